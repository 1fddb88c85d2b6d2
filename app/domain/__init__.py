"""Pure domain logic: no Flask, no database. Units are kg, cm, seconds and UTC unless named."""
