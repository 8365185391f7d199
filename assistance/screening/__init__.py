"""Population screening in the service (issue 21): a county's (or every county's) households read
from the database straight into the screening path's columns (``population``), a saved reform or
standard-setting sweep run over them (``runs``, ``computing``), and the explained engine on the
households that change or sit on a boundary (``explained``)."""
