"""Risk method, processes, assets, risks and the risk treatment plan (6.1.2, 6.1.3, 8.2, 8.3)."""
