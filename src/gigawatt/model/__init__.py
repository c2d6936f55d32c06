"""Pure, vectorised model functions: arrays in, arrays out, units in the names.

No I/O, no catalog access, no printing. Each module holds one concern.
"""
