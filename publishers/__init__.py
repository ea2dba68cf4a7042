"""Partner publishers: one short script per dataset (a declarative ``SPEC``), run by ``publish``.

They use ``datapackages`` (schemas, validation, packages) and ``synthetic`` (look-alikes, suppression), and
reach the catalogue only through the CKAN Action API (ckanapi), so they work against any CKAN.
"""
