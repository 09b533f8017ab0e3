public enum CTSynth {}
