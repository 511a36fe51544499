"""crmkit: typed CRM domain primitives."""
