"""Files that describe an index: framework YAML and COINr's iData/iMeta tables."""
