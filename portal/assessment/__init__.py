"""Assessor certification (flows 4 RCC and 5 ASKOM) as records: the scheme catalogue, people,
the request's participant list, per-participant decisions, results and pleno, certificates."""
