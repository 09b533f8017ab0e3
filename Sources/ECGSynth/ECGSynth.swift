public enum ECGSynth {}
