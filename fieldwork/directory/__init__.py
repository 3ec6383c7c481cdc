"""The city directory: agencies (Sở, wards, communes, special zones), fields, procedures."""
