"""Import and export of the registers: xlsx workbooks, folders of CSV files and YAML.

Everything is derived from the register declarations (``isms.core.registers``) and the model
fields: the columns, their types, the drop-down lists, the natural keys and the documentation.
"""
