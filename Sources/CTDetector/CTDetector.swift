public enum CTDetector {}
