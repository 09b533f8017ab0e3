public enum BatchScoring {}
