"""The illustrative demo dataset (minh họa): a user of the services, not one of them."""
