public enum ExplainerStore {}
