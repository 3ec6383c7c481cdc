"""The yearly survey and its six-step workflow (plan, questionnaire, fieldwork, reports ...)."""
