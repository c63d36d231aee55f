-- The same tables, for a baseline that names a SQL file.
CREATE TABLE metrics (key varchar(250) PRIMARY KEY, value double precision NOT NULL);
