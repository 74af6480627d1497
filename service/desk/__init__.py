"""What the desk reads out of a source's text: its sentences (``sentences.py``) and the dates
its words give (``dates.py``). Pure text work: no I/O, nothing of the store or the read models,
so the API (``GET /sources/{id}/sentences``) and the desk's pages compute the same answers."""
