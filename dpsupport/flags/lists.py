"""The words that say what a bank line is: the default lists, as data.

Each list is phrases of whole words, written as they look once a description is made plain
(upper case; every run of other characters becomes one space: "Sky Bet" and "SKYBET" are
different phrases, so both are listed; "MATCH.COM" is written "MATCH COM").

A phrase matches whole words only, and at each place the longest phrase wins. That is how
the traps are avoided:

- "LADBROKES" (the bookmaker) is listed, so "SAINSBURYS LADBROKE GROV" (a street) is not it;
- "BET" alone is never listed, so a PA called Jane Bet, or "BETTER CARE", is not betting;
- "CASH ISA", "CASH AND CARRY" and "CASH CONVERTERS" are listed as what they are (savings, a
  shop, a pawnbroker), so the longer phrase beats "CASH";
- "ISA" alone and "POT" alone are not listed (a PA may be called Isa); "GOOGLE NEST" is
  ordinary, so a thermostat is not a pension;
- "CASH" alone counts only as the first word ("CASH TESCO 12JAN"), and loses to a transfer,
  HMRC or a pension;
- "PAYMENT TO" is not listed ("CARD PAYMENT TO TESCO", "DIRECT DEBIT PAYMENT TO ...");
- "LINK" (the cash machine network) counts only next to a time or date, or "ATM"
  ("LINK 14:32 12JAN"), see recognise.py, so "LINKS GOLF CLUB" and "LINK CARE SERVICES"
  are not cash;
- a supermarket (which sells wine and cigarettes) is never listed: what it sold is not in
  the bank line, so "TESCO PHARMACY" or "LLOYDS PHARMACY SAINSBURYS" is nothing to ask
  about ("LLOYDS PHARMACY" is listed as ordinary, so a funder who adds "LLOYDS" to a list
  still leaves the pharmacy alone).

``ORDINARY`` phrases are things that look like a listed word but are not it: a match on one
of them stops the shorter phrase inside it from counting.

The funder's policy decides which kinds are not allowed (``rules.Policy.prohibited``), and
may pass lists of its own: ``DEFAULT_LISTS.adding("gambling", "LOCAL BOOKIE")``.
"""

from __future__ import annotations

GAMBLING = (
    "BET365", "BETFAIR", "BETFRED", "BETVICTOR", "BETWAY", "BOYLESPORTS", "SKY BET", "SKYBET",
    "SKY VEGAS", "SKY CASINO", "SKY POKER", "PADDY POWER", "PADDYPOWER", "WILLIAM HILL",
    "WILLIAMHILL", "LADBROKES", "LADBROKES COM", "CORAL RACING", "CORAL INTERACTIVE",
    "CORAL CO UK", "TOTESPORT", "THE TOTE", "UNIBET", "SPORTINGBET", "SPREADEX", "BETUK",
    "VIRGIN BET", "QUINNBET", "LIVESCORE BET", "MIDNITE", "BETANO", "POKERSTARS", "PARTYPOKER",
    "PARTY POKER", "888 COM", "888 CASINO", "888 SPORT", "888SPORT", "GENTING CASINO", "GROSVENOR CASINO",
    "JACKPOTJOY", "LOTTOLAND", "MR GREEN", "TOMBOLA", "MECCA BINGO", "BUZZ BINGO", "GALA BINGO",
    "GALA CASINO", "FOXY BINGO", "SUN BINGO", "NATIONAL LOTTERY", "NATIONAL LOTTERY COM",
    "ALLWYN", "EUROMILLIONS", "LOTTO", "POSTCODE LOTTERY", "LOTTERY", "BINGO",
    "CASINO", "BOOKMAKER", "BOOKMAKERS", "BETTING", "BETTING SHOP", "POKER", "SLOTS",
)
ALCOHOL = (
    "OFF LICENCE", "OFF LICENSE", "OFFIE", "WINE", "WINES", "WINE RACK", "MAJESTIC WINE",
    "NAKED WINES", "VIRGIN WINES", "LAITHWAITES", "ODDBINS", "BARGAIN BOOZE", "BOOZE",
    "THRESHERS", "WINE SOCIETY", "BEER HAWK", "BREWDOG", "DRINKS DIRECT", "WHISKY", "WHISKY EXCHANGE", "THE WHISKY EXCHANGE", "BOTTLE SHOP", "LIQUOR",
)
TOBACCO = (
    "TOBACCO", "TOBACCONIST", "TOBACCONISTS", "CIGAR", "CIGARS", "CIGARETTES", "VAPE",
    "VAPES", "VAPING", "VAPE SHOP", "VAPOUR", "E CIG", "ECIG", "E CIGS", "TOTALLY WICKED",
    "VPZ", "SMOKERS", "SMOKE SHOP",
)
DATING = (
    "TINDER", "BUMBLE", "HINGE", "MATCH COM", "MATCHCOM", "EHARMONY", "E HARMONY",
    "PLENTY OF FISH", "PLENTYOFFISH", "POF COM", "OKCUPID", "GRINDR", "ZOOSK",
    "ELITESINGLES", "ELITE SINGLES", "DATING", "SILVERSINGLES", "OURTIME",
)
PAWNBROKING = (
    "PAWN", "PAWNBROKER", "PAWNBROKERS", "PAWNSHOP", "PAWN SHOP", "RAMSDENS", "H T PAWNBROKERS",
    "CASH CONVERTERS", "CASH GENERATOR", "ALBEMARLE BOND", "MAXCROFT",
)
# Cash: strong words. "CASH" on its own is a weaker sign (recognise.py).
CASH = (
    "ATM", "CASHPOINT", "CASH POINT", "CASH MACHINE", "CASH WITHDRAWAL", "CASH WDL", "CASH WD",
    "CASH WITHDRAWL", "ATM WITHDRAWAL", "WITHDRAWAL ATM", "LNK", "NOTEMACHINE", "CARDTRONICS",
    "EURONET", "CASHBACK", "CASH BACK", "PETTY CASH", "CASH OUT", "POST OFFICE CASH",
)
HMRC = (
    "HMRC", "H M R C", "HM REVENUE", "H M REVENUE", "HMRC NDDS", "HMRC PAYE", "HMRC CUMBERNAULD",
    "HMRC SHIPLEY", "INLAND REVENUE", "HM REVENUE AND CUSTOMS", "HM REVENUE CUSTOMS",
)
PENSION = (
    "NEST", "NEST PENSIONS", "NEST CORPORATION", "NATIONAL EMPLOYMENT SAVINGS TRUST",
    "THE PEOPLES PENSION", "PEOPLES PENSION", "PEOPLE S PENSION", "THE PEOPLE S PENSION",
    "B CE", "B AND CE", "NOW PENSIONS", "NOW PENSION", "SMART PENSION", "SMART PENSIONS",
    "SMARTPENSION", "PENSION", "PENSIONS", "WORKPLACE PENSION", "AUTO ENROLMENT",
    "AUTOENROLMENT", "COLLEGIA", "SALVUS", "SUPERTRUST", "LIGHTHOUSE PENSION", "AEGON",
    "STANDARD LIFE", "SCOTTISH WIDOWS PENSION", "AVIVA PENSION", "ROYAL LONDON PENSION",
)
PAYROLL_BUREAU = (
    "PAYROLL", "PAYROLL SERVICE", "PAYROLL SERVICES", "PAYROLL BUREAU", "PAYROLL FEE",
    "PENDERELS", "PENDERELS TRUST", "PEOPLEPLUS", "PEOPLE PLUS", "DP PAYROLL",
    "DIRECT PAYMENTS PAYROLL", "PAYROLL PLUS", "SAGE PAYROLL",
)
OWN_TRANSFER = (
    "SAVINGS", "TO SAVINGS", "TRANSFER TO SAVINGS", "SAVINGS POT", "SAVINGS ACCOUNT", "SAVER",
    "MONTHLY SAVER", "REGULAR SAVER", "CASH ISA", "ISA TRANSFER", "ISA SAVER", "ISA DEPOSIT",
    "LIFETIME ISA", "STOCKS AND SHARES ISA", "POT TRANSFER", "EASY ACCESS", "INSTANT ACCESS", "OWN ACCOUNT", "OWN ACC", "INTERNAL TRANSFER",
    "RAINY DAY", "SAVE THE CHANGE", "ROUND UP", "ROUNDUP",
)
TRANSFER = (
    "TRANSFER", "TRANSFER TO", "TRANSFER FROM", "TFR", "TFR TO", "TFR FROM", "XFER", "FASTER PAYMENT", "FASTER PYMT",
    "FASTER PAYMENTS", "FP OUT", "STANDING ORDER", "STO", "BANK TRANSFER", "ONLINE TRANSFER",
    "INTERNET TRANSFER", "MOBILE TRANSFER", "MOBILE PYMT", "MOBILE PAYMENT", "TO A C",
    "BILL PAYMENT", "MONZO", "REVOLUT", "STARLING", "TOP UP", "TOPUP",
    "PAYPAL TRANSFER", "WISE COM", "TRANSFERWISE", "CHASE UK", "KROO", "CURRENCYFAIR",
)
# Looks like a listed phrase, is not one: nothing to ask about.
ORDINARY = (
    "LADBROKE GROVE", "LADBROKE GROV", "LADBROKE GRO", "GOOGLE NEST", "NEST LEARNING",
    "STATE PENSION", "DWP PENSION", "DWP STATE PENSION", "PENSION CREDIT", "DWP PEN CREDIT",
    "CASH AND CARRY", "CASH CARRY", "CASH N CARRY", "CASH DEPOSIT", "CASH PAID IN",
    "LLOYDS PHARMACY", "LLOYDSPHARMACY", "PAYROLL GIVING", "ELECTRONIC FUNDS TRANSFER",
)

DEFAULT_TERMS: dict[str, tuple[str, ...]] = {
    "gambling": GAMBLING,
    "alcohol": ALCOHOL,
    "tobacco": TOBACCO,
    "dating": DATING,
    "pawnbroking": PAWNBROKING,
    "cash": CASH,
    "hmrc": HMRC,
    "pension": PENSION,
    "payroll_bureau": PAYROLL_BUREAU,
    "own_transfer": OWN_TRANSFER,
    "transfer": TRANSFER,
    "": ORDINARY,
}

# The bank's own type code for a line (Transaction.kind), made plain as above.
CASH_KINDS = frozenset({
    "ATM", "CPT", "CSH", "CASH", "C L", "CASH WITHDRAWAL", "CASHPOINT", "ATM WITHDRAWAL",
    "CASH MACHINE", "CASH WDL", "CASH POINT",
})
TRANSFER_KINDS = frozenset({
    "FPO", "SO", "S O", "TFR", "BP", "MPO", "STO", "XFER", "TRANSFER", "FASTER PAYMENT",
    "FASTER PAYMENTS", "STANDING ORDER", "BANK TRANSFER", "PAYMENT TO", "FP OUT",
})
OWN_TRANSFER_KINDS = frozenset({"POT TRANSFER", "SAVINGS POT", "ISA TRANSFER"})
