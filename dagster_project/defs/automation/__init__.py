"""What runs without being asked: the refresh job, its schedule, the landing sensor, declarative
automation, and the sensor that reports failed runs."""
