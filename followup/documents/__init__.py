"""The memo (tjänsteskrivelse) and its appendices as printable documents."""
