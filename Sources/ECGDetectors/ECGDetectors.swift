public enum ECGDetectors {}
