/// The tissue classes the phantom is built from; the raw value is the code stored in `PhantomStudy.tissues`.
public enum Tissue: UInt8, CaseIterable, Sendable, Codable {
    /// Outside the body.
    case air = 0
    /// Subcutaneous fat.
    case subcutaneousFat = 1
    /// Abdominal wall and paraspinal muscle.
    case muscle = 2
    /// Fat inside the abdominal cavity.
    case visceralFat = 3
    /// Liver parenchyma.
    case liver = 4
    /// Spleen.
    case spleen = 5
    /// Renal cortex.
    case kidneyCortex = 6
    /// Renal medulla.
    case kidneyMedulla = 7
    /// Aorta and its branches (SMA).
    case artery = 8
    /// IVC, portal vein, superior mesenteric and splenic veins.
    case vein = 9
    /// Bowel and stomach wall.
    case bowelWall = 10
    /// Fluid in bowel, stomach, duodenum, gallbladder.
    case fluid = 11
    /// Gas in bowel or stomach.
    case gas = 12
    /// Pancreas parenchyma.
    case pancreas = 13
    /// Hypo-attenuating pancreatic lesion.
    case lesion = 14
    /// Cancellous (trabecular) bone.
    case cancellousBone = 15
    /// Cortical bone (vertebral shell, posterior elements, ribs).
    case corticalBone = 16
    /// Spinal canal contents.
    case spinalCanal = 17
}

/// Mean HU of each tissue for one phantom (portal-venous phase), drawn per study around literature values.
///
/// Ranges follow the specification and common textbook values for contrast-enhanced abdominal CT
/// (fat ≈ −100, muscle ≈ 50, liver ≈ 100–130, spleen ≈ 110–130, renal cortex ≈ 150–200, portal-venous
/// vessels ≈ 150–200, pancreas ≈ 100–130, hypo-attenuating lesions 30–70 HU below the pancreas).
public struct TissueHU: Codable, Sendable, Equatable {
    /// HU per tissue, indexed by `Tissue.rawValue`.
    public var values: [Double]

    /// The HU of `tissue`.
    public subscript(tissue: Tissue) -> Double {
        get { values[Int(tissue.rawValue)] }
        set { values[Int(tissue.rawValue)] = newValue }
    }

    /// Draws a study's tissue HU table; `lesionContrastHU` is how much darker the lesion is than the pancreas.
    static func draw(_ rng: inout SeededRandom, lesionContrastHU: Double) -> TissueHU {
        var t = TissueHU(values: [Double](repeating: 0, count: Tissue.allCases.count))
        t[.air] = -1000
        t[.subcutaneousFat] = rng.uniform(-115, -90)
        t[.visceralFat] = t[.subcutaneousFat] + rng.uniform(-5, 10)
        t[.muscle] = rng.uniform(45, 60)
        t[.liver] = rng.uniform(100, 130)
        t[.spleen] = rng.uniform(110, 130)
        t[.kidneyCortex] = rng.uniform(160, 200)
        t[.kidneyMedulla] = t[.kidneyCortex] - rng.uniform(10, 40)
        t[.artery] = rng.uniform(150, 200)
        t[.vein] = rng.uniform(150, 190)
        t[.bowelWall] = rng.uniform(70, 100)
        t[.fluid] = rng.uniform(0, 20)
        t[.gas] = rng.uniform(-990, -900)
        t[.pancreas] = rng.uniform(100, 130)
        t[.lesion] = t[.pancreas] - lesionContrastHU
        t[.cancellousBone] = rng.uniform(180, 240)
        t[.corticalBone] = rng.uniform(450, 700)
        t[.spinalCanal] = rng.uniform(10, 30)
        return t
    }
}
