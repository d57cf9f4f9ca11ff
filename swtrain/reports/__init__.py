"""What grading produces for people: gradebook CSV, feedback pages (charts and LMS exports come here too).

Heavy imports (pandas, seaborn, matplotlib) belong in this package only, and
only in the modules that draw.
"""
