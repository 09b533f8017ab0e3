public enum ECGPlot {}
