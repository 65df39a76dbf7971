"""The mock certification audit: rules read the registers as of an audit date and report what a
certification auditor would raise; the engine escalates, sets deadlines and gives a verdict."""
