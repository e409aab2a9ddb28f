"""What a password must be: long, not among the common ones, not the user's own name
or address. zxcvbn judges how guessable it is (its lists of common passwords, names,
words and keyboard patterns); the messages here are Swedish."""

import re


MIN_LENGTH = 12
MAX_LENGTH = 1000
MIN_SCORE = 3  # zxcvbn 0–4: 3 is "safely unguessable" for an online attack
# zxcvbn's lists are English; these Swedish words are as common in passwords here.
LOCAL_WORDS = ["lösenord", "losenord", "hemligt", "välkommen", "valkommen", "sommar",
               "vinter", "kommun", "followup", "qwertyuiop", "asdfghjkl"]
_ZXCVBN_MAX = 72  # zxcvbn refuses longer input; what follows adds strength, not risk


def refusal(password, name="", email=""):
    """Why ``password`` is refused (Swedish, lower case), or None."""
    password = password or ""
    if len(password) < MIN_LENGTH:
        return f"lösenordet måste ha minst {MIN_LENGTH} tecken"
    if len(password) > MAX_LENGTH:
        return f"lösenordet får ha högst {MAX_LENGTH} tecken"
    folded = _letters(password)
    own = _own_words(name, email)
    if any(word in folded for word in own):
        return "lösenordet får inte innehålla ditt namn eller din e-postadress"
    from zxcvbn import zxcvbn  # its word lists load on first use, not at start-up

    result = zxcvbn(password[:_ZXCVBN_MAX], user_inputs=own + LOCAL_WORDS)
    if result["score"] < MIN_SCORE:
        return ("lösenordet är för lätt att gissa (ett vanligt lösenord, ett ord, "
                "en upprepning eller en följd av tangenter); välj flera ovanliga ord")
    return None


def _letters(text):
    return re.sub(r"[\W_]+", "", text.lower())


def _own_words(name, email):
    """The name whole and its parts of three letters or more, and the address's local
    part: what a password must not contain."""
    words = {_letters(name)} | {_letters(p) for p in re.split(r"[\s\-]+", name or "")}
    local = (email or "").split("@")[0]
    words |= {_letters(local)} | {_letters(p) for p in re.split(r"[._+\-]+", local)}
    return sorted(w for w in words if len(w) >= 3)
