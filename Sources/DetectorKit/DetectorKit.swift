// DetectorKit: the detector plug-in contract. (work in progress)
