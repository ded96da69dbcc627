"""The shared vocabulary: role names and the CARE-Index aspects features are grouped by."""

ADULT, INFANT = "adult", "infant"
ROLES = (ADULT, INFANT)

FACIAL = "facial expression"
VOCAL = "vocal expression"
POSITION = "position & body contact"
AFFECTION = "affection & arousal"
TURN_TAKING = "turn-taking contingencies"
CONTROL = "control"
ACTIVITY = "choice of activity"
CARE_ASPECTS = (FACIAL, VOCAL, POSITION, AFFECTION, TURN_TAKING, CONTROL, ACTIVITY)  # Crittenden's seven
GENERAL = "general"  # QC, duration and other features that belong to no single aspect
ASPECTS = CARE_ASPECTS + (GENERAL,)


def partner(role: str) -> str:
    """The other role."""
    return INFANT if role == ADULT else ADULT
