-- Version 5: the ASP.NET Core Data Protection key ring (the console's session and antiforgery keys), shared by every
-- instance on this database and kept across restarts.
CREATE TABLE data_protection_keys (name TEXT PRIMARY KEY, xml TEXT NOT NULL);
