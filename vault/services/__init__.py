"""Use cases, one module each (session, users, cases, importer, actions, demo).

They compose policy, crypto and store; they never prompt or print.
"""
