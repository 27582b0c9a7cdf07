"""SimPy processes that carry consignments and vessel calls through the port, one per journey."""
