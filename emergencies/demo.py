"""Demo data of case management: eighty cases of Migr-Azioni over the last six months,
in every state and with every outcome, each with its timeline (notes, a few of them
confidential, interventions with the minutes spent, contacts), follow-ups (a few overdue
for the demo operator, so their home has something to chase), referrals to services of
the resource map and to Sì Teverola, and the operator on duty for the coming week.

Every person and story is made up. :func:`seed_cases` is idempotent: a case is found by
its person and description, so a second run adds nothing, and the roster is only topped
up. Cases and their timelines are written directly with their historic dates: the
services stamp "now", and opening an old critical case through them would alert the
on-duty operators today. What the demo shows working later goes through the services:
consents, pending follow-ups (with their reminders), the referrals to the partner (its
inbox, its answer) and the duty shifts.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import NamedTuple, TextIO

from django.db import transaction
from django.utils import timezone

from members.demo import MIGR_AZIONI
from members.models import Association, ConsentPurpose, Member, User
from members.services import consent_give
from resources.demo import demo_id
from resources.models import Service

from .models import Case, CaseEvent, Category, DutyShift, FollowUp, Referral, Urgency
from .services import (
    categories_seed_defaults,
    follow_up_create,
    referral_answer,
    referral_to_partner,
    shift_add,
)

PARTNER = "si-teverola"
OPERATOR = "operator@nucleo.test"
COORDINATOR = "coordinator@nucleo.test"
PARTNER_OPERATOR = "partner-operator@nucleo.test"

S, Outcome = Case.Status, Case.Outcome
CRITICAL, HIGH, MEDIUM, LOW = Urgency.CRITICAL, Urgency.HIGH, Urgency.MEDIUM, Urgency.LOW
Kind, Help = CaseEvent.Kind, CaseEvent.InterventionType
Via = CaseEvent.ContactChannel


class Story(NamedTuple):
    person: tuple[str, str]
    category: str
    urgency: str
    # A Case.Status, or for a closed case its Case.Outcome.
    state: str
    description: str
    # A key of resources.demo.RESOURCES the person was referred to.
    service: str = ""
    # "pending" or "accepted": referred to Sì Teverola.
    partner: str = ""
    channel: str = ""


MEMBER = ("Mariam", "Okafor")  # member@nucleo.test: her requests show on her own page

STORIES = [
    # --- New ----------------------------------------------------------------------------
    Story(("Sani", "Abubakar"), "housing", CRITICAL, S.NEW,
          "Ha perso il posto letto nel casolare dove viveva con altri braccianti: è in "
          "stazione con lo zaino e non ha un riparo per stanotte."),
    Story(("Hawa", "Bah"), "health", HIGH, S.NEW,
          "Incinta di sette mesi, non ha mai fatto una visita: non ha tessera sanitaria né "
          "codice STP e non sa dove andare."),
    Story(("Youssef", "Mansouri"), "documents", MEDIUM, S.NEW,
          "Il permesso di soggiorno per lavoro scade a fine mese e il datore non gli ha "
          "rinnovato il contratto: teme di non poterlo rinnovare."),
    Story(("Li", "Na"), "income", MEDIUM, S.NEW,
          "Il laboratorio tessile dove lavorava ha chiuso da un giorno all'altro: le devono "
          "due mesi di stipendio."),
    Story(MEMBER, "education", LOW, S.NEW,
          "Chiede come iscrivere la figlia alla scuola dell'infanzia a metà anno.",
          channel=Case.Channel.SELF),
    Story(("Andrii", "Melnyk"), "other", LOW, S.NEW,
          "Due banche gli hanno rifiutato il conto corrente senza spiegazioni: senza IBAN "
          "non può farsi pagare lo stipendio."),
    Story(("Zahra", "Ahmadi"), "mental_health", HIGH, S.NEW,
          "Un'amica segnala che da giorni non esce di casa e non mangia, dopo la notizia "
          "della morte del fratello in Afghanistan."),
    Story(("Ion", "Rusu"), "food", MEDIUM, S.NEW,
          "Vive solo, la pensione dalla Romania non è ancora arrivata: frigorifero vuoto, "
          "chiede un pacco alimentare."),
    # --- Triaged ------------------------------------------------------------------------
    Story(("Gurpreet", "Singh"), "legal", HIGH, S.TRIAGED,
          "Il datore agricolo non gli paga le ultime tre settimane e minaccia di "
          "licenziarlo se ne parla con qualcuno."),
    Story(("Semhar", "Tesfay"), "documents", MEDIUM, S.TRIAGED,
          "Deve convertire il permesso per richiesta asilo in permesso per lavoro: ha un "
          "contratto stagionale che parte il mese prossimo."),
    Story(("Mihaela", "Dumitru"), "family", MEDIUM, S.TRIAGED,
          "Separata da poco, chiede come ottenere l'assegno unico per i due figli che "
          "vivono con lei."),
    Story(("Tanvir", "Hossain"), "income", MEDIUM, S.TRIAGED,
          "Rider senza contratto, è caduto in bici e non può lavorare per un mese: nessuna "
          "entrata e l'affitto da pagare."),
    Story(("Elira", "Krasniqi"), "education", LOW, S.TRIAGED,
          "Vuole iscriversi al corso per la licenza media e chiede se può portare con sé "
          "il figlio piccolo."),
    Story(("Wei", "Chen"), "other", LOW, S.TRIAGED,
          "Chiede aiuto per capire una multa e un avviso di pagamento della TARI arrivati "
          "solo in italiano."),
    Story(("Lamin", "Jallow"), "health", HIGH, S.TRIAGED,
          "Mal di denti fortissimo da settimane, non riesce a mangiare; non ha il medico di "
          "base."),
    Story(("Rahim", "Uddin"), "housing", MEDIUM, S.TRIAGED,
          "Il padrone di casa vuole 150 euro in più al mese, senza contratto scritto, o "
          "lascia la stanza entro fine mese."),
    # --- In progress --------------------------------------------------------------------
    Story(("Blessing", "Okoro"), "violence", CRITICAL, S.IN_PROGRESS,
          "Minacciata dal compagno, che le ha tolto il passaporto: ha paura di tornare a "
          "casa con il bambino di due anni.", service="cav-ester"),
    Story(("Amadou", "Sow"), "housing", CRITICAL, S.IN_PROGRESS,
          "Sfratto esecutivo per morosità tra dieci giorni: la moglie e un figlio piccolo, "
          "nessuna alternativa per dormire."),
    Story(("Nadia", "Haddad"), "income", HIGH, S.IN_PROGRESS,
          "Ha perso il lavoro di badante alla morte dell'anziana che assisteva: viveva in "
          "quella casa e deve lasciarla entro fine mese."),
    Story(("Olena", "Kovalenko"), "documents", HIGH, S.IN_PROGRESS,
          "La protezione temporanea scade tra tre settimane: non sa come chiedere il "
          "rinnovo né la conversione per lavoro."),
    Story(("Joy", "Adeyemi"), "health", MEDIUM, S.IN_PROGRESS,
          "Diabetica, ha finito l'insulina da una settimana e non ha ancora il medico di "
          "base.", service="ambulatorio-stp-caserta"),
    Story(("Ahmed", "Khalil"), "food", HIGH, S.IN_PROGRESS,
          "Famiglia di cinque persone senza entrate da due mesi: i bambini mangiano solo "
          "alla mensa scolastica.", service="banco-alimentare"),
    Story(("Imran", "Qureshi"), "legal", MEDIUM, S.IN_PROGRESS,
          "Domanda d'asilo respinta: restano venti giorni per il ricorso e non ha un "
          "avvocato.", service="gratuito-patrocinio"),
    Story(("Fatou", "Ndiaye"), "family", MEDIUM, S.IN_PROGRESS,
          "I servizi sociali hanno convocato la famiglia per le assenze del figlio maggiore: "
          "chiede di essere accompagnata all'incontro."),
    Story(("Iryna", "Bondarenko"), "mental_health", HIGH, S.IN_PROGRESS,
          "Attacchi di panico sempre più frequenti da quando il figlio è stato richiamato "
          "al fronte; non dorme da settimane."),
    Story(("Kwame", "Boateng"), "income", MEDIUM, S.IN_PROGRESS,
          "Mandato via dal cantiere dopo un infortunio mai denunciato: chiede come farsi "
          "riconoscere le giornate e i contributi."),
    Story(("Maria", "Santos"), "housing", MEDIUM, S.IN_PROGRESS,
          "Muffa e infiltrazioni nell'appartamento in affitto, la figlia asmatica peggiora; "
          "il proprietario non interviene."),
    Story(("Yusuf", "Hassan"), "documents", MEDIUM, S.IN_PROGRESS,
          "Per il rinnovo del permesso serve la residenza, che il Comune non gli dà perché "
          "abita in una stanza senza contratto.", service="residenza-caserta"),
    Story(("Ayesha", "Malik"), "violence", HIGH, S.IN_PROGRESS,
          "Il marito le controlla il telefono e i soldi e le impedisce di frequentare il "
          "corso di italiano."),
    Story(("Carlos", "Mendoza"), "income", LOW, S.IN_PROGRESS,
          "Cerca lavoro come cuoco: ha esperienza ma non sa scrivere un curriculum in "
          "italiano.", service="cpi-caserta"),
    Story(("Chinedu", "Eze"), "health", MEDIUM, S.IN_PROGRESS,
          "Dolore al ginocchio dopo una caduta nei campi, zoppica da settimane e non è mai "
          "stato visitato."),
    Story(("Dawit", "Alemu"), "education", LOW, S.IN_PROGRESS,
          "Vuole far riconoscere il diploma di infermiere preso in Etiopia per lavorare in "
          "Italia."),
    Story(("Oksana", "Shevchenko"), "food", MEDIUM, S.IN_PROGRESS,
          "Con la cassa integrazione non arriva a fine mese: chiede aiuto per la spesa e "
          "le bollette arretrate.", service="caritas-ascolto-caserta"),
    Story(("Moussa", "Keita"), "legal", HIGH, S.IN_PROGRESS,
          "Fermato a un controllo, gli hanno notificato un decreto di espulsione che non "
          "capisce, con un ricorso ancora pendente."),
    # --- Waiting ------------------------------------------------------------------------
    Story(("Aminata", "Coulibaly"), "documents", HIGH, S.WAITING,
          "Rinnovo del permesso chiesto da cinque mesi, la ricevuta è scaduta e il datore "
          "esita a rinnovarle il contratto."),
    Story(("Cheikh", "Diop"), "housing", MEDIUM, S.WAITING,
          "Ha fatto domanda per la casa popolare e per il contributo affitto: aspetta la "
          "graduatoria del Comune."),
    Story(("Rafiq", "Islam"), "income", MEDIUM, S.WAITING,
          "Domanda di assegno di inclusione in istruttoria da due mesi; nel frattempo "
          "nessuna entrata."),
    Story(("Gul", "Wardak"), "family", HIGH, S.WAITING,
          "Ricongiungimento familiare: la moglie e i tre figli aspettano il visto "
          "all'ambasciata di Islamabad."),
    Story(("Leila", "Haddad"), "health", MEDIUM, S.WAITING,
          "In lista d'attesa per un intervento alla tiroide: le serve l'esenzione dal "
          "ticket."),
    Story(("Harjit", "Kaur"), "legal", MEDIUM, S.WAITING,
          "Causa contro l'azienda agricola per le ore non pagate: aspetta la data "
          "dell'udienza."),
    Story(("Mona", "Saleh"), "education", LOW, S.WAITING,
          "Iscritta all'esame di italiano A2 per il permesso di lungo periodo: aspetta la "
          "convocazione."),
    Story(("Elena", "Popescu"), "mental_health", MEDIUM, S.WAITING,
          "Dopo la perdita del lavoro è giù di morale e isolata: ha accettato un colloquio "
          "al centro di salute mentale."),
    Story(("Jericho", "Reyes"), "other", LOW, S.WAITING,
          "La patente filippina non si converte: chiede come iscriversi a una scuola guida "
          "a prezzi accessibili."),
    Story(("Hodan", "Warsame"), "documents", MEDIUM, S.WAITING,
          "Chiede il documento di viaggio per rifugiati per visitare la madre malata in "
          "Kenya."),
    # --- Referred -----------------------------------------------------------------------
    Story(("Isatou", "Ceesay"), "violence", HIGH, S.REFERRED,
          "Deve ripagare un debito a chi l'ha fatta arrivare in Italia ed è costretta a "
          "lavorare di notte.", service="via-d-uscita"),
    Story(("Meron", "Gebremedhin"), "housing", HIGH, S.REFERRED,
          "Sola con una neonata, ospite di un'amica che non può più tenerla: cerca un posto "
          "in accoglienza vicino a Teverola.", partner="pending"),
    Story(("Arben", "Hoxha"), "income", MEDIUM, S.REFERRED,
          "Ha perso il lavoro in fabbrica e vorrebbe un corso da saldatore; la famiglia "
          "vive a Teverola.", partner="accepted"),
    Story(("Mehmet", "Yilmaz"), "legal", MEDIUM, S.REFERRED,
          "Il contratto d'affitto è intestato a un connazionale che ora gli chiede soldi "
          "per la residenza.", service="diritti-in-rete"),
    Story(("Rojda", "Aydin"), "health", HIGH, S.REFERRED,
          "Gravidanza a rischio, nessuna visita da tre mesi: non sa a quale consultorio "
          "rivolgersi.", service="consultorio-caserta"),
    Story(("Ibrahim", "Traoré"), "mental_health", MEDIUM, S.REFERRED,
          "Incubi e ricordi del viaggio in Libia; da quando ha perso il lavoro non esce "
          "quasi più.", service="spazio-transculturale"),
    Story(("Ana", "Pereira"), "food", LOW, S.REFERRED,
          "Tre figli e un lavoro part-time: lo stipendio non basta per la spesa del mese.",
          service="emporio-san-giovanni"),
    Story(("Samira", "El Amrani"), "family", MEDIUM, S.REFERRED,
          "Madre sola con un figlio disabile: chiede aiuto per la domanda di invalidità e "
          "l'assistenza a scuola.", service="segretariato-caserta"),
    # --- Closed: resolved ---------------------------------------------------------------
    Story(("Karim", "Benali"), "documents", HIGH, Outcome.RESOLVED,
          "Permesso in scadenza e appuntamento in Questura perso per malattia: chiede come "
          "fissarne un altro."),
    Story(("Salvatore", "De Luca"), "housing", HIGH, Outcome.RESOLVED,
          "Avviso di sfratto per morosità dopo la perdita del lavoro: sei mensilità "
          "arretrate."),
    Story(("Abena", "Owusu"), "health", MEDIUM, Outcome.RESOLVED,
          "Non riesce a scegliere il medico di base: l'ASL le chiede un documento che non "
          "ha."),
    Story(("Mamadou", "Barry"), "income", MEDIUM, Outcome.RESOLVED,
          "Lavorava senza contratto in un autolavaggio, mandato via senza la paga "
          "dell'ultimo mese."),
    Story(("Lucía", "Ramírez"), "education", LOW, Outcome.RESOLVED,
          "Cerca un corso di italiano serale compatibile con il lavoro di colf."),
    Story(("Tariq", "Rahimi"), "documents", MEDIUM, Outcome.RESOLVED,
          "Ha perso il portafoglio con permesso di soggiorno e tessera sanitaria: deve fare "
          "denuncia e chiedere i duplicati."),
    Story(MEMBER, "food", MEDIUM, Outcome.RESOLVED,
          "Due settimane senza stipendio: chiede la spesa per sé e per i figli.",
          channel=Case.Channel.SELF),
    Story(("Rosaria", "Ferraro"), "other", LOW, Outcome.RESOLVED,
          "Bolletta della luce triplicata dopo un conguaglio: non sa come chiedere la "
          "rateizzazione."),
    Story(("Sumaiya", "Akter"), "family", MEDIUM, Outcome.RESOLVED,
          "Deve iscrivere alla scuola media il figlio appena arrivato in Italia; la scuola "
          "chiede documenti che non ha."),
    Story(("Vincenzo", "Iovine"), "food", HIGH, Outcome.RESOLVED,
          "Anziano solo, dimesso dall'ospedale: non può uscire a fare la spesa e non ha "
          "parenti vicini."),
    # --- Closed: partially resolved -----------------------------------------------------
    Story(("Amadou", "Sow"), "income", MEDIUM, Outcome.PARTIALLY,
          "Cerca lavoro dopo la fine del contratto stagionale in campagna."),
    Story(("Giuseppe", "Esposito"), "health", MEDIUM, Outcome.PARTIALLY,
          "Ha bisogno di una protesi dentaria che non può pagare; l'ASL ne copre solo una "
          "parte."),
    Story(("Chinedu", "Eze"), "documents", HIGH, Outcome.PARTIALLY,
          "Il permesso per protezione speciale è scaduto mentre era ricoverato: rischia di "
          "restare senza documenti."),
    Story(("Olena", "Kovalenko"), "housing", MEDIUM, Outcome.PARTIALLY,
          "La famiglia che la ospita con la figlia deve riavere la stanza: cerca un "
          "affitto che possa pagare."),
    Story(("Rafiq", "Islam"), "legal", MEDIUM, Outcome.PARTIALLY,
          "Un'agenzia gli ha preso 2.000 euro promettendogli un contratto di lavoro mai "
          "arrivato."),
    Story(("Harjit", "Kaur"), "mental_health", MEDIUM, Outcome.PARTIALLY,
          "Sola in casa tutto il giorno, parla poco italiano; chiede qualcuno con cui "
          "parlare."),
    # --- Closed: referred elsewhere -----------------------------------------------------
    Story(("Leila", "Haddad"), "violence", CRITICAL, Outcome.REFERRED_ELSEWHERE,
          "Picchiata dal marito davanti ai figli, è uscita di casa con i bambini: serve un "
          "posto sicuro per stanotte.", service="casa-rifugio"),
    Story(("Moussa", "Keita"), "housing", HIGH, Outcome.REFERRED_ELSEWHERE,
          "Dorme in macchina da una settimana, da quando ha dovuto lasciare il centro di "
          "accoglienza.", service="dormitorio-la-stella"),
    Story(("Lamin", "Jallow"), "legal", MEDIUM, Outcome.REFERRED_ELSEWHERE,
          "Dodici ore al giorno nei campi per 25 euro; il caporale trattiene anche i soldi "
          "del trasporto.", service="sportello-caporalato"),
    Story(("Ion", "Rusu"), "mental_health", HIGH, Outcome.REFERRED_ELSEWHERE,
          "Beve molto da quando ha perso il lavoro e la moglie è tornata in Romania; un "
          "vicino lo ha trovato confuso per strada.", service="csm-caserta"),
    Story(("Kwame", "Boateng"), "documents", MEDIUM, Outcome.REFERRED_ELSEWHERE,
          "Dopo dieci anni di residenza vuole chiedere la cittadinanza e non sa da dove "
          "cominciare.", service="patronato-migranti"),
    # --- Closed: lost contact -----------------------------------------------------------
    Story(("Sani", "Abubakar"), "food", MEDIUM, Outcome.LOST_CONTACT,
          "Chiedeva un pasto caldo e vestiti pesanti per l'inverno."),
    Story(("Youssef", "Mansouri"), "income", LOW, Outcome.LOST_CONTACT,
          "Voleva aprire la partita IVA per lavorare come rider."),
    Story(("Tanvir", "Hossain"), "housing", MEDIUM, Outcome.LOST_CONTACT,
          "Cercava un posto letto in condivisione dopo una lite con il coinquilino."),
    Story(("Jericho", "Reyes"), "health", LOW, Outcome.LOST_CONTACT,
          "Chiedeva una visita oculistica a basso costo per nuovi occhiali."),
    # --- Closed: declined ---------------------------------------------------------------
    Story(("Ayesha", "Malik"), "violence", HIGH, Outcome.DECLINED,
          "La vicina ha sentito urla e pianti; la signora conferma le violenze ma per ora "
          "non vuole denunciare né lasciare casa."),
    Story(("Elira", "Krasniqi"), "family", MEDIUM, Outcome.DECLINED,
          "La scuola segnala che il figlio arriva senza pranzo; la madre ringrazia ma non "
          "vuole aiuti."),
    Story(("Mona", "Saleh"), "mental_health", MEDIUM, Outcome.DECLINED,
          "Il medico di base le suggerisce un sostegno psicologico dopo un lutto; lei "
          "preferisce parlarne in famiglia."),
]  # fmt: skip

PARTNER_SUMMARIES = {
    "pending": (
        "Donna sola con una bambina di due mesi, senza un posto dove stare dalla fine del "
        "mese. Parla tigrino e inglese. Chiediamo se avete un posto in accoglienza a "
        "Teverola o nei dintorni."
    ),
    "accepted": (
        "Uomo di 43 anni, operaio metalmeccanico rimasto senza lavoro, vive a Teverola con "
        "la famiglia. Vorrebbe un corso di saldatura o un tirocinio: vi chiediamo di "
        "inserirlo nel vostro sportello lavoro."
    ),
}
PARTNER_ANSWER = (
    "Lo aspettiamo allo sportello lavoro giovedì alle 10: c'è un corso che parte a breve."
)


def _iv(kind: str, minutes: int, text: str, with_whom: str = "") -> tuple[str, str, dict]:
    fields = {"intervention_type": kind, "minutes": minutes, "with_whom": with_whom}
    return Kind.INTERVENTION, text, fields


def _ct(channel: str, text: str, with_whom: str = "") -> tuple[str, str, dict]:
    return Kind.CONTACT, text, {"contact_channel": channel, "with_whom": with_whom}


def _note(text: str, confidential: bool = False) -> tuple[str, str, dict]:
    return Kind.NOTE, text, {"confidential": confidential}


# What operators write on a case of each category, besides the generic entries.
ACTIVITIES = {
    "housing": [
        _iv(Help.PAPERWORK, 60, "Compilata insieme la domanda di contributo affitto del Comune."),
        _iv(Help.MEDIATION, 45, "Telefonata al proprietario: disposto a rateizzare gli "
            "arretrati se arriva un primo versamento.", "Proprietario dell'alloggio"),
        _iv(Help.ACCOMPANIMENT, 120, "Accompagnamento ai servizi sociali per chiedere una "
            "sistemazione temporanea.", "Assistente sociale del Comune"),
        _ct(Via.PHONE, "Sentito l'ufficio casa: la graduatoria esce a fine mese.",
            "Ufficio casa del Comune"),
        _note("Valutare il fondo per la morosità incolpevole: la perdita del lavoro è "
              "documentata."),
    ],
    "income": [
        _iv(Help.PAPERWORK, 50, "Presentata online la domanda di assegno di inclusione."),
        _iv(Help.ORIENTATION, 30, "Spiegato come iscriversi al centro per l'impiego e cosa "
            "portare."),
        _ct(Via.PHONE, "Sentito lo sportello sindacale per le buste paga mancanti.",
            "Sportello sindacale"),
        _iv(Help.MATERIAL, 20, "Consegnato un buono spesa e una ricarica telefonica."),
        _note("Ha esperienza in edilizia e in agricoltura; patente B."),
    ],
    "health": [
        _iv(Help.ACCOMPANIMENT, 90, "Accompagnamento all'ambulatorio per la prima visita.",
            "Medico volontario"),
        _iv(Help.PAPERWORK, 40, "Chiesto il codice STP allo sportello dell'ASL."),
        _ct(Via.PHONE, "Prenotata la visita al CUP; la persona ha l'SMS di conferma.", "CUP"),
        _iv(Help.MATERIAL, 15, "Comprati i farmaci prescritti con il fondo di emergenza."),
    ],
    "mental_health": [
        _iv(Help.LISTENING, 60, "Colloquio di ascolto in sede, con la mediatrice.",
            "Mediatrice linguistica"),
        _iv(Help.ORIENTATION, 30, "Spiegato cosa offre il centro di salute mentale e che è "
            "gratuito."),
        _ct(Via.MESSAGE, "Messaggio per chiedere come sta: risponde che va un po' meglio."),
        _note("Preferisce i colloqui con un'operatrice donna."),
    ],
    "documents": [
        _iv(Help.PAPERWORK, 75, "Preparato il kit postale per il rinnovo e pagati i "
            "bollettini."),
        _iv(Help.ACCOMPANIMENT, 180, "Accompagnamento in Questura per le impronte.",
            "Ufficio immigrazione"),
        _ct(Via.EMAIL, "Scritto alla Questura con la PEC dell'associazione per un nuovo "
            "appuntamento.", "Questura di Caserta"),
        _iv(Help.ORIENTATION, 25, "Spiegato che la ricevuta vale come permesso finché la "
            "pratica è in corso."),
        _note("Ha il passaporto scaduto: serve il rinnovo al consolato prima di tutto."),
    ],
    "violence": [
        _iv(Help.LISTENING, 70, "Colloquio protetto in sede: ricostruiti gli episodi e "
            "valutati i rischi."),
        _iv(Help.ACCOMPANIMENT, 150, "Accompagnamento al centro antiviolenza.",
            "Operatrice del centro antiviolenza"),
        _ct(Via.PHONE, "Concordata una parola d'ordine per le telefonate."),
        _note("Numero sicuro: chiamare solo la mattina, quando il compagno è al lavoro."),
    ],
    "food": [
        _iv(Help.MATERIAL, 20, "Consegnato un pacco alimentare con latte e pannolini."),
        _iv(Help.ORIENTATION, 15, "Spiegati orari e regole della mensa solidale."),
        _ct(Via.PHONE, "Sentito il banco alimentare: c'è posto nella distribuzione del "
            "giovedì.", "Banco alimentare"),
    ],
    "legal": [
        _iv(Help.PAPERWORK, 60, "Raccolti i documenti per l'avvocata: provvedimento, "
            "passaporto, buste paga."),
        _iv(Help.ACCOMPANIMENT, 120, "Accompagnamento al primo colloquio con l'avvocata.",
            "Avvocata dello sportello legale"),
        _ct(Via.EMAIL, "Inviata all'avvocata la copia del provvedimento.",
            "Avvocata dello sportello legale"),
        _note("Le scadenze del ricorso sono strette: ricontrollare le date a ogni passo."),
    ],
    "family": [
        _iv(Help.MEDIATION, 60, "Incontro a scuola con l'insegnante e la mediatrice.",
            "Insegnante referente"),
        _iv(Help.PAPERWORK, 45, "Compilata la domanda di assegno unico sul sito dell'INPS."),
        _ct(Via.PHONE, "Sentita l'assistente sociale per fissare l'incontro.",
            "Assistente sociale del Comune"),
    ],
    "education": [
        _iv(Help.ORIENTATION, 30, "Spiegati i corsi del CPIA e come iscriversi."),
        _iv(Help.PAPERWORK, 40, "Tradotti e fotocopiati i titoli di studio per la "
            "dichiarazione di valore."),
        _ct(Via.PHONE, "Sentita la segreteria della scuola: iscrizione possibile.",
            "Segreteria scolastica"),
    ],
    "other": [
        _iv(Help.PAPERWORK, 30, "Letta e spiegata la lettera; preparata la risposta."),
        _iv(Help.ORIENTATION, 20, "Spiegato a quale ufficio rivolgersi e cosa portare."),
        _ct(Via.PHONE, "Chiamato il numero verde per chiedere la rateizzazione."),
    ],
}  # fmt: skip
GENERIC = [
    _ct(Via.IN_PERSON, "Colloquio in sede: ricostruita la situazione e i documenti che ha."),
    _ct(Via.PHONE, "Richiamata la persona per aggiornarla sui passi fatti."),
    _ct(Via.MESSAGE, "Mandato su WhatsApp l'elenco dei documenti da portare."),
    _iv(Help.LISTENING, 40, "Colloquio di ascolto: la persona è molto preoccupata, ma collabora."),
    _note("Meglio chiamare dopo le 17, quando finisce di lavorare."),
    _note("Per il prossimo colloquio serve la mediatrice linguistica."),
]
# Notes only the team and the coordinators see.
CONFIDENTIAL = {
    "violence": "Riferisce violenze fisiche anche in gravidanza: nelle comunicazioni ai "
    "servizi non scrivere nulla senza il suo consenso.",
    "mental_health": "Nei mesi scorsi ha pensato di farla finita; oggi lo esclude. "
    "Rivalutare a ogni colloquio.",
    "legal": "Ha raccontato i dettagli del viaggio e del debito: utili per il ricorso, da "
    "non condividere con nessuno.",
    "family": "Tensioni in casa per l'alcol del marito: non vuole che la scuola lo sappia.",
    "health": "Patologia cronica comunicata in via riservata: la famiglia non lo sa.",
}
UNANSWERED = [
    _ct(Via.PHONE, "Chiamata senza risposta."),
    _ct(Via.MESSAGE, "Mandato un messaggio: nessuna risposta."),
    _ct(Via.PHONE, "Telefono spento."),
]
WAITING = {
    "documents": "In attesa della convocazione in Questura.",
    "housing": "In attesa della graduatoria del Comune.",
    "income": "In attesa dell'esito della domanda all'INPS.",
    "family": "In attesa della risposta dell'ambasciata.",
    "health": "In attesa dell'appuntamento all'ASL.",
    "legal": "In attesa della data dell'udienza.",
    "education": "In attesa della convocazione per l'esame.",
    "mental_health": "In attesa del primo appuntamento al centro di salute mentale.",
}
CLOSING = {
    Outcome.RESOLVED: "Obiettivo raggiunto, chiuso d'accordo con la persona: sa che può tornare "
    "quando vuole.",
    Outcome.PARTIALLY: "Risolta l'urgenza, resta aperta la questione di fondo: la persona è "
    "orientata ai servizi giusti.",
    Outcome.REFERRED_ELSEWHERE: "Presa in carico dal servizio a cui l'abbiamo inviata: chiudiamo "
    "da parte nostra.",
    Outcome.LOST_CONTACT: "Nessuna risposta a tre chiamate e due messaggi in un mese: chiuso per "
    "perdita di contatto.",
    Outcome.DECLINED: "La persona ringrazia ma per ora non vuole proseguire: rispettata la sua "
    "scelta, lasciati i nostri contatti.",
}
FOLLOW_UPS = {
    "housing": "Richiamare l'ufficio casa per la graduatoria",
    "income": "Controllare l'esito della domanda all'INPS",
    "health": "Confermare l'appuntamento all'ambulatorio",
    "mental_health": "Sentire la persona dopo il primo colloquio con la psicologa",
    "documents": "Controllare sul portale lo stato del permesso",
    "violence": "Colloquio di verifica in sede, in orario protetto",
    "food": "Ritirare il pacco alimentare con la persona",
    "legal": "Sentire l'avvocata sul ricorso",
    "family": "Accompagnare all'incontro con la scuola",
    "education": "Verificare l'iscrizione al corso",
    "other": "Richiamare per l'esito della pratica",
}
CHANNELS = [
    (Case.Channel.WALK_IN, 35),
    (Case.Channel.PHONE, 25),
    (Case.Channel.WHATSAPP, 20),
    (Case.Channel.REFERRAL_IN, 12),
    (Case.Channel.OUTREACH, 8),
]
# How a person who came in through a channel was first spoken to.
FIRST_CONTACT = {
    Case.Channel.WALK_IN: (Via.IN_PERSON, "Primo colloquio in sede all'arrivo."),
    Case.Channel.PHONE: (Via.PHONE, "Primo colloquio al telefono."),
    Case.Channel.OUTREACH: (Via.IN_PERSON, "Incontro con l'unità di strada."),
    Case.Channel.REFERRAL_IN: (Via.PHONE, "Chiamata la persona segnalata dal servizio."),
}
# Days ago a case in each state was opened: (from, to).
AGES = {
    S.NEW: (0.05, 1.6),
    S.TRIAGED: (1, 6),
    S.IN_PROGRESS: (4, 75),
    S.WAITING: (15, 120),
    S.REFERRED: (6, 60),
    S.CLOSED: (20, 180),
}
# The partner referrals: (opened, sent, answered) days ago.
PARTNER_DAYS = {"pending": (9, 2, None), "accepted": (21, 9, 7)}
OVERDUE_FOR_OPERATOR = 4
OVERDUE_FOR_COORDINATOR = 1
SHIFT_START = time(8, 0)  # 24-hour on-call shifts, handed over at 8 in the morning
SHIFT_DAYS = 8


@dataclass
class Event:
    kind: str
    at: datetime
    by: str  # "opener" or "assignee"
    text: str = ""
    fields: dict = field(default_factory=dict)


@dataclass
class DoneFollowUp:
    title: str
    created_at: datetime
    due_at: datetime
    done_at: datetime


@dataclass
class Plan:
    """Everything about one demo case, drawn before looking at the database so the same
    draws happen on every run."""

    story: Story
    status: str
    outcome: str
    channel: str
    opened_by: str  # "operator" or "coordinator"
    assignee: str | None
    coworker: str | None
    opened_at: datetime
    acknowledged_at: datetime
    events: list[Event]
    done_follow_ups: list[DoneFollowUp] = field(default_factory=list)
    # Due date of the follow-up still to do, created through the service.
    follow_up_due: datetime | None = None
    follow_up_created: datetime | None = None
    partner_sent: datetime | None = None
    partner_answered: datetime | None = None

    @property
    def first_contact_at(self) -> datetime | None:
        return next(
            (e.at for e in self.events if e.kind in (Kind.INTERVENTION, Kind.CONTACT)), None
        )

    @property
    def closed_at(self) -> datetime | None:
        return self.events[-1].at if self.status == S.CLOSED else None


def _at_work(rng: random.Random, moment: datetime) -> datetime:
    """The same day during office hours: people are seen from 9 to 19."""
    local = timezone.localtime(moment)
    return local.replace(hour=rng.randint(9, 18), minute=rng.randint(0, 59), second=0)


def _on_day(now: datetime, days: int, rng: random.Random) -> datetime:
    """A round hour ``days`` from today: what people pick as a follow-up's due time."""
    day = timezone.localdate(now) + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(rng.choice([9, 10, 12, 15, 17]))))


def _plan(story: Story, rng: random.Random, now: datetime) -> Plan:
    closed = story.state in Outcome.values
    status, outcome = (S.CLOSED, story.state) if closed else (story.state, "")
    channel = story.channel or rng.choices(*zip(*CHANNELS, strict=True))[0]
    opened_by = "operator" if rng.random() < 0.7 else "coordinator"
    if status == S.NEW:
        assignee = "operator" if rng.random() < 0.5 else None
    else:
        assignee = "operator" if rng.random() < 0.75 else "coordinator"
    coworker = None
    if assignee and status != S.NEW and rng.random() < 0.2:
        coworker = "coordinator" if assignee == "operator" else "operator"

    low, high = AGES[status]
    if story.partner:
        low = high = PARTNER_DAYS[story.partner][0]
    if story.urgency == CRITICAL and status == S.NEW:
        low, high = 0.03, 0.12  # came in an hour or two ago
    opened_at = now - timedelta(days=rng.uniform(low, high))
    if story.urgency != CRITICAL and opened_at < now - timedelta(days=1):
        opened_at = _at_work(rng, opened_at)
    opened_at = opened_at.replace(microsecond=0)
    # When the timeline ends: the close, or the last thing done on an open case.
    age = now - opened_at
    if closed:
        end = opened_at + timedelta(days=rng.uniform(2, min(45, age.days - 2)))
    elif story.partner:
        end = now - timedelta(days=PARTNER_DAYS[story.partner][1] + 1)
    elif status == S.NEW:
        end = opened_at + min(age / 2, timedelta(minutes=40))
    else:
        end = now - min(age / 3, timedelta(hours=rng.uniform(2, 60)))
    if status != S.NEW:
        at_work = _at_work(rng, end)
        if opened_at < at_work < now:
            end = at_work
    end = end.replace(microsecond=0)

    # The steps in order, each with where it falls between the opening (0) and the end (1).
    steps: list[tuple[float, str, str, dict]] = []
    # Drawn without repeats: the same note twice on a timeline looks like a bug.
    activities = rng.sample(ACTIVITIES[story.category] + GENERIC, k=4)

    def activity(position: float) -> None:
        kind, text, fields = activities.pop()
        steps.append((position, kind, text, fields))

    def transition(position: float, from_status: str, to_status: str, text: str = "") -> None:
        fields = {"from_status": from_status, "to_status": to_status}
        steps.append((position, Kind.STATUS, text, fields))

    if status != S.NEW and assignee:
        steps.append((rng.uniform(0.01, 0.08), Kind.ASSIGNMENT, "", {}))
    if story.state == Outcome.DECLINED:
        activity(rng.uniform(0.3, 0.7))
        transition(1, S.NEW, S.CLOSED, CLOSING[outcome])
    elif status == S.TRIAGED:
        transition(rng.uniform(0.01, 0.08), S.NEW, S.TRIAGED)
        if rng.random() < 0.5:
            activity(rng.uniform(0.3, 1))
    elif status != S.NEW:
        transition(rng.uniform(0.01, 0.08), S.NEW, S.TRIAGED)
        transition(rng.uniform(0.08, 0.2), S.TRIAGED, S.IN_PROGRESS)
        for _ in range(1 if story.state == Outcome.LOST_CONTACT else rng.randint(1, 4)):
            activity(rng.uniform(0.2, 0.85))
        if story.category in CONFIDENTIAL and rng.random() < 0.6:
            steps.append(
                (rng.uniform(0.2, 0.85), Kind.NOTE, CONFIDENTIAL[story.category],
                 {"confidential": True})
            )  # fmt: skip
        if story.service:
            steps.append((rng.uniform(0.85, 0.9), Kind.REFERRAL, "", {}))
        if story.state == Outcome.LOST_CONTACT:
            for n, (kind, text, fields) in enumerate(UNANSWERED):
                steps.append((0.9 + n * 0.03, kind, text, fields))
        if status == S.WAITING:
            transition(1, S.IN_PROGRESS, S.WAITING, WAITING.get(story.category, ""))
        elif status == S.REFERRED and story.service:
            transition(1, S.IN_PROGRESS, S.REFERRED)
        elif story.state == Outcome.REFERRED_ELSEWHERE:
            transition(0.93, S.IN_PROGRESS, S.REFERRED)
            transition(1, S.REFERRED, S.CLOSED, CLOSING[outcome])
        elif closed:
            transition(1, S.IN_PROGRESS, S.CLOSED, CLOSING[outcome])

    # The opening, a first contact with who came in person or was called at once, and the
    # rest during office hours of the days they fall on.
    events = [Event(Kind.STATUS, opened_at, "opener", fields={"to_status": S.NEW})]
    if channel in FIRST_CONTACT and (status != S.NEW or rng.random() < 0.6):
        via, text = FIRST_CONTACT[channel]
        at = min(opened_at + timedelta(minutes=rng.randint(5, 25)), end)
        events.append(Event(Kind.CONTACT, at, "opener", text, {"contact_channel": via}))
    times = []
    for position, *_ in steps:
        moment = opened_at + (end - opened_at) * position
        if position < 1 and end - opened_at > timedelta(days=2):
            moment = _at_work(rng, moment)
        times.append(min(max(moment, events[-1].at), end).replace(microsecond=0))
    ordered = sorted(steps, key=lambda step: step[0])
    for at, (_position, kind, text, fields) in zip(sorted(times), ordered, strict=True):
        events.append(Event(kind, at, "assignee", text, fields))

    plan = Plan(
        story=story,
        status=status,
        outcome=outcome,
        channel=channel,
        opened_by=opened_by,
        assignee=assignee,
        coworker=coworker,
        opened_at=opened_at,
        acknowledged_at=min(opened_at + timedelta(minutes=rng.randint(2, 20)), now),
        events=events,
    )
    if status != S.NEW and end - opened_at > timedelta(days=4) and rng.random() < 0.4:
        created = opened_at + (end - opened_at) * rng.uniform(0.2, 0.5)
        due = created + timedelta(days=rng.randint(2, 4))
        done = min(due - timedelta(hours=rng.randint(1, 30)), end)
        plan.done_follow_ups.append(
            DoneFollowUp(FOLLOW_UPS[story.category], created.replace(microsecond=0), due, done)
        )
    if story.partner:
        _opened, sent, answered = PARTNER_DAYS[story.partner]
        plan.partner_sent = now - timedelta(days=sent, hours=rng.randint(0, 5))
        if answered is not None:
            plan.partner_answered = now - timedelta(days=answered, hours=rng.randint(0, 5))
    if status not in (S.NEW, S.CLOSED) and (status == S.WAITING or rng.random() < 0.7):
        plan.follow_up_due = _on_day(now, rng.randint(1, 12), rng)
        created = _at_work(rng, now - timedelta(days=rng.uniform(0.5, 3)))
        plan.follow_up_created = max(opened_at, min(created, now))
    return plan


def _plans(now: datetime) -> list[Plan]:
    rng = random.Random("nucleo-demo-cases")  # noqa: S311 - made-up demo data
    plans = [_plan(story, rng, now) for story in STORIES]
    # A few follow-ups past their date on cases open for a while: the home page of whom
    # they are assigned to lists them.
    overdue = {"operator": OVERDUE_FOR_OPERATOR, "coordinator": OVERDUE_FOR_COORDINATOR}
    for plan in plans:
        if (
            plan.status in (S.IN_PROGRESS, S.WAITING)
            and overdue.get(plan.assignee)
            and plan.opened_at < now - timedelta(days=10)
        ):
            overdue[plan.assignee] -= 1
            plan.follow_up_due = _on_day(now, -rng.randint(1, 5), rng)
            created = _at_work(rng, plan.follow_up_due - timedelta(days=rng.randint(3, 5)))
            plan.follow_up_created = max(plan.opened_at, created)
    return plans


@transaction.atomic
def seed_cases(stdout: TextIO) -> None:
    """Create the demo cases of Migr-Azioni and the on-duty roster. Needs the demo
    associations and users, the people (:func:`members.demo.seed_members`) and, for
    referrals to services, the resource map (:func:`resources.demo.seed_resources`)."""
    associations = {a.slug: a for a in Association.objects.all()}
    emails = [OPERATOR, COORDINATOR, PARTNER_OPERATOR]
    users = {user.email: user for user in User.objects.filter(email__in=emails)}
    if MIGR_AZIONI not in associations or OPERATOR not in users or COORDINATOR not in users:
        raise RuntimeError("Create the demo associations and users first")
    home = associations[MIGR_AZIONI]
    staff = {"operator": users[OPERATOR], "coordinator": users[COORDINATOR]}
    for association in associations.values():
        categories_seed_defaults(association=association)
    now = timezone.now().replace(microsecond=0)

    categories = {c.code: c for c in Category.objects.filter(association=home)}
    members = {
        (m.first_name, m.last_name): m
        for m in Member.objects.filter(association=home, anonymised_at__isnull=True)
    }
    existing = set(Case.objects.filter(association=home).values_list("member_id", "description"))
    keys = {story.service: demo_id("service", story.service) for story in STORIES}
    by_pk = Service.objects.in_bulk([pk for key, pk in keys.items() if key])
    for plan in _plans(now):
        member = members.get(plan.story.person)
        if member is None or (member.pk, plan.story.description) in existing:
            continue
        _create(
            plan,
            member=member,
            category=categories[plan.story.category],
            staff=staff,
            service=by_pk.get(keys[plan.story.service]) if plan.story.service else None,
            partner=associations.get(PARTNER),
            partner_operator=users.get(PARTNER_OPERATOR),
        )

    _roster(home, staff["operator"], by=staff["coordinator"], now=now)

    follow_ups = FollowUp.objects.filter(case__association=home)
    overdue = follow_ups.filter(done_at__isnull=True, due_at__lt=now).count()
    stdout.write(
        f"Cases: {Case.objects.filter(association=home).count()} for {home.name} in every "
        f"state, {follow_ups.count()} follow-ups ({overdue} overdue), "
        f"{Referral.objects.filter(case__association=home).count()} referrals; "
        f"{staff['operator'].get_full_name()} on duty for the coming week."
    )


def _create(
    plan: Plan,
    *,
    member: Member,
    category: Category,
    staff: dict[str, User],
    service: Service | None,
    partner: Association | None,
    partner_operator: User | None,
) -> Case:
    story = plan.story
    opener = staff[plan.opened_by]
    assignee = staff[plan.assignee] if plan.assignee else None
    worker = assignee or opener
    status = plan.status
    if story.partner or (status == S.REFERRED and service is None):
        # Referred to the partner by the service below; or to a service the map does not
        # have (no resource map seeded), and so still in progress.
        status = S.IN_PROGRESS
    case = Case(
        association=member.association,
        member=member,
        category=category,
        urgency=story.urgency,
        status=status,
        outcome=plan.outcome,
        channel=plan.channel,
        description=story.description,
        assigned_to=assignee,
        opened_by=opener,
        opened_at=plan.opened_at,
        first_contact_at=plan.first_contact_at,
        closed_at=plan.closed_at,
        acknowledged_at=plan.acknowledged_at,
    )
    case.full_clean()
    case._history_user = opener
    case._history_date = plan.events[-1].at  # the state it has been in since then
    case.save()
    team = [assignee] if assignee else []
    if plan.coworker:
        case.coworkers.set([staff[plan.coworker]])
        team.append(staff[plan.coworker])

    events = []
    for event in plan.events:
        author = opener if event.by == "opener" else worker
        text, fields = event.text, dict(event.fields)
        if event.kind == Kind.ASSIGNMENT:
            text = ", ".join(user.get_full_name() or user.email for user in team)
        elif event.kind == Kind.REFERRAL or fields.get("to_status") == S.REFERRED:
            if service is None:
                continue
            if event.kind == Kind.REFERRAL:
                Referral.objects.create(
                    case=case,
                    kind=Referral.Kind.SERVICE,
                    service=service,
                    status=Referral.Status.GIVEN,
                    created_by=author,
                    created_at=event.at,
                )
                text = service.name
        elif fields.get("from_status") == S.REFERRED and service is None:
            fields["from_status"] = S.IN_PROGRESS
        events.append(
            CaseEvent(case=case, kind=event.kind, author=author, created_at=event.at, text=text,
                      **fields)
        )  # fmt: skip
    CaseEvent.objects.bulk_create(events)

    for done in plan.done_follow_ups:
        follow_up = FollowUp.objects.create(
            case=case,
            title=done.title,
            due_at=done.due_at,
            assigned_to=worker,
            created_by=worker,
            done_at=done.done_at,
            done_by=worker,
        )
        FollowUp.objects.filter(pk=follow_up.pk).update(created_at=done.created_at)
        CaseEvent.objects.create(
            case=case, kind=Kind.FOLLOW_UP, author=worker, created_at=done.created_at,
            text=done.title,
        )  # fmt: skip

    if story.partner and partner is not None:
        consent_give(member=member, purpose=ConsentPurpose.PARTNER_SHARING, by=worker)
        with _dated(case, plan.partner_sent):
            referral = referral_to_partner(
                case=case, partner=partner, summary=PARTNER_SUMMARIES[story.partner], by=worker
            )
        Referral.objects.filter(pk=referral.pk).update(created_at=plan.partner_sent)
        if plan.partner_answered is not None and partner_operator is not None:
            with _dated(case, plan.partner_answered):
                referral_answer(
                    referral=referral, accept=True, by=partner_operator, note=PARTNER_ANSWER
                )
            Referral.objects.filter(pk=referral.pk).update(answered_at=plan.partner_answered)

    if plan.follow_up_due is not None:
        with _dated(case, plan.follow_up_created):
            follow_up = follow_up_create(
                case=case,
                title=FOLLOW_UPS[story.category],
                due_at=plan.follow_up_due,
                assigned_to=worker,
                by=worker,
            )
        FollowUp.objects.filter(pk=follow_up.pk).update(created_at=plan.follow_up_created)
    return case


@contextmanager
def _dated(case: Case, at: datetime) -> Iterator[None]:
    """Date the timeline entries a service writes inside the block at ``at``: services
    stamp now, the demo tells what happened days ago."""
    before = list(CaseEvent.objects.filter(case=case).values_list("pk", flat=True))
    yield
    CaseEvent.objects.filter(case=case).exclude(pk__in=before).update(created_at=at)


def _roster(association: Association, operator: User, *, by: User, now: datetime) -> int:
    """The operator on call in 24-hour shifts, from the one running now through the next
    week. Shifts on the roster already stay, so a later run only adds the days ahead."""
    tz = timezone.get_current_timezone()
    first_day = timezone.localdate(now)
    if datetime.combine(first_day, SHIFT_START, tzinfo=tz) > now:
        first_day -= timedelta(days=1)
    added = 0
    for n in range(SHIFT_DAYS):
        day = first_day + timedelta(days=n)
        starts_at = datetime.combine(day, SHIFT_START, tzinfo=tz)
        ends_at = datetime.combine(day + timedelta(days=1), SHIFT_START, tzinfo=tz)
        taken = DutyShift.objects.filter(
            association=association, operator=operator, starts_at__lt=ends_at, ends_at__gt=starts_at
        )
        if taken.exists():
            continue
        shift_add(
            association=association, operator=operator, starts_at=starts_at, ends_at=ends_at, by=by
        )
        added += 1
    return added
