"""Leads: the start of the funnel; converting one makes its contact a deal, in one step."""

from ._convert import LeadConversion, convert_lead

__all__ = ["LeadConversion", "convert_lead"]
