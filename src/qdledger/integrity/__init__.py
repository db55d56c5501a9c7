"""Research integrity (科研诚信): cases, suspensions, decisions, bans, credit repair, and recoveries (追回)."""
