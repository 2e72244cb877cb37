"""Payroll for PA employers, the parts that are ours (payroll_rules holds the statutory ones).

Pure Python: plain objects in and out, no Flask, no database. The services in
``dpsupport/services`` read the records, call these and save the results.
"""
