"""Open311 GeoReport v2: the documents a city's endpoint serves and the requests it reads.

- `documents`: a neutral tree of each document, written as XML (the spec's required
  format) or JSON (its Spark-convention mapping: a list element becomes an array);
- `model`: the documents themselves (discovery, service list, service definition,
  service requests, POST response, token lookup);
- `failures`: the `<errors>` document and the HTTP status the spec asks for;
- `posting`: a form-encoded POST read and checked into a new report;
- `querying`: the filters of GET /requests and the spec's default window;
- `w3c`: date-times in the W3C profile of ISO 8601, always with a zone;
- `mapping`: a report's public view as an Open311 request;
- `catalogue`: report categories as services and service definitions.

Nothing here reads the database or speaks HTTP; the routes do, with these.
"""
