"""The data model every layer shares: errors, the method registry, the framework tree and the cross-section."""
