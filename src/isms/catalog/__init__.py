"""Reference frameworks as data: ISO/IEC 27001:2022 clauses and Annex A, the 2013 edition and its
correspondence, SOC 2 Trust Services Criteria and their mapping. Imports nothing of ours."""
