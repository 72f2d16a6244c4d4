"""The audit trail: who wrote what, when and from which desk; and who saw a document number
or a health flag. Never the values themselves."""
