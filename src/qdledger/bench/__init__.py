"""A seeded, realistic ledger at Qingdao scale, built through the real application, to measure speed."""
