"""The evidence vault: files, links and notes, with hashes and collection dates."""
