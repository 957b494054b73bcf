"""The dashboard's figures stand on the grants' world (tests/grants/conftest.py): a listed
product of an effective agreement over registered resources."""

from tests.grants import conftest as grants

_files_dir = grants._files_dir
draft_agreement = grants.draft_agreement
effective = grants.effective
profile = grants.profile
resources = grants.resources
draft_product = grants.draft_product
in_review = grants.in_review
listed = grants.listed
