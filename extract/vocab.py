"""The shared vocabulary: role names, the CARE-Index aspects features are grouped by, its scales."""

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

# Crittenden's CARE-Index scales a coder rates (0-14 each; dyadic synchrony = adult sensitivity)
CARE_SCALES = (
    "dyadic_synchrony",
    "adult_sensitivity",
    "adult_control",
    "adult_unresponsiveness",
    "infant_cooperative",
    "infant_compulsive",
    "infant_difficult",
    "infant_passive",
)


def partner(role: str) -> str:
    """The other role."""
    return INFANT if role == ADULT else ADULT
