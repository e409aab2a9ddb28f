"""Writes common-passwords.txt beside this file: the most common passwords zxcvbn's
package ships (its frequency list ``passwords``, most common first) and Swedish ones,
with the endings people add to them. Run it again only to change the list; the app reads
the text file and downloads nothing:

    .venv/bin/python followup/people/data/make_common_passwords.py
"""

from pathlib import Path

from zxcvbn.frequency_lists import FREQUENCY_LISTS

FROM_ZXCVBN = 3000

# Swedish passwords and the words they are made of: places, teams, names, seasons,
# months, pets and words of love and of the office.
SWEDISH = """
lösenord losenord mittlösenord mittlosenord dittlösenord nyttlösenord hemligt hemlis
hemlig välkommen valkommen välkommen1 hejsan hejhej hallå tjena tjenare godmorgon
kärlek karlek älskling alskling älskardig jagälskardig puss pussgurka gullunge sötnos
prinsessa prinsen kungen drottning sverige svenska svensk stockholm göteborg goteborg
malmö malmo uppsala västerås örebro linköping helsingborg jönköping norrköping lund umeå
gävle borås eskilstuna södertälje karlstad täby växjö halmstad sundsvall luleå
fotboll hockey innebandy handboll aik djurgården djurgarden hammarby ifkgöteborg
malmöff blåvitt tretrekronor zlatan
sommar vinter höst host vår var våren varen hösten sommaren vintern midsommar jul julafton
påsk pask nyår nyar januari februari mars april maj juni juli augusti september oktober
november december måndag tisdag onsdag torsdag fredag lördag söndag
kommun kommunen nämnd nämnden socialnämnd socialnämnden förvaltning forvaltning
verksamhet verksamhetsplan uppföljning uppfoljning planuppföljning planuppfoljning
kontoret jobbet arbete arbetet skolan skola förskola bibliotek personal chef
hund hunden katt katten häst hasten kanin fisken bamse pippi emil alfons nalle
anna maria karin kristina lena sara emma johanna elin ida linnea ella maja alice
erik lars karl anders johan per nils mikael jan hans peter olof gustav oskar lucas
william elias hugo lukas axel leo liam
andersson johansson karlsson nilsson eriksson larsson olsson persson svensson
gustafsson pettersson jonsson jansson hansson bengtsson
qwerty qwertyuiop asdfghjkl zxcvbnm qwertyuiopå asdfghjklöä abc123 abcdef abcdefgh
mitt min mina ditt din vårt vart nytt ny gammal bästa basta hemma familjen familj
barnen mamma pappa mormor morfar farmor farfar syster bror
""".split()

ENDINGS = ["", "1", "12", "123", "1234", "12345", "!", "1!", "123!"] + [
    str(year) for year in range(2015, 2031)]


def entries():
    seen = {}
    for word in SWEDISH:
        for ending in ENDINGS:
            seen.setdefault(word + ending, None)
    for word in FREQUENCY_LISTS["passwords"][:FROM_ZXCVBN]:
        seen.setdefault(word.lower(), None)
    return list(seen)


if __name__ == "__main__":
    path = Path(__file__).with_name("common-passwords.txt")
    path.write_text("# The most common passwords; followup/people/data/make_common_passwords.py "
                    "writes this file.\n" + "\n".join(entries()) + "\n", encoding="utf-8")
    print(path)
