"""Programmes: the kinds of help a center gives, each with its own rhythm, people and rules."""
