"""Systems and access reviews, accounts, suppliers, incidents, retention and deletion."""
