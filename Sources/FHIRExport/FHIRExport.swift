public enum FHIRExport {}
