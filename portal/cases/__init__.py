"""Cases: one run of a service flow, with its work items, document versions and timeline."""
