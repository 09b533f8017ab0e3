import Testing  // placeholder: replaced by the module's first real tests
