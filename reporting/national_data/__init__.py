"""A realistic national dataset for benchmarks and demos (`manage.py seed_national`).

About 152 LAs in the three phases (5 alpha, 48 beta, the rest national), N social workers
(30,000 by default) with equality answers for about 70% of them, and their endorsements,
bookings, attempts, outcomes, area outcomes, fast-track retakes and support plans, in
proportions like the real scheme's: about 5% of the workforce accredited, older and
minority-ethnic candidates meeting the standard a little less often, agency staff endorsed
less. Rows are written with bulk inserts in batches, with no audit events (it is made-up data).

Everything it makes is marked (ONS codes E99…, registration numbers from SW200000, emails at
national.naas.test), so `--reset` removes exactly that and nothing else.

`population` holds the proportions and names, `seeding` writes the rows, `removal` takes them
away again. Callers (the seed_national command, bench/) use the names re-exported here.
"""

from .population import DOMAIN, ONS_PREFIX
from .removal import exists, reset
from .seeding import Summary, seed

__all__ = ["DOMAIN", "ONS_PREFIX", "Summary", "exists", "reset", "seed"]
