CREATE TABLE probe (id integer PRIMARY KEY);
