"""Outputs for people and other tools: assignments.csv, workbooks, reports."""
