"""Demo data of the resource map: about forty services around Caserta, Teverola, Aversa,
Marcianise, Santa Maria Capua Vetere, Maddaloni, Casal di Principe and Castel Volturno,
kept by the three demo associations.

Every name, address and phone number is made up (numbers use the 555 exchange), but the
kinds of places are the ones people of the unit actually need: emergency rooms, the
Questura's immigration office, listening centres, food banks, soup kitchens, night
shelters, an anti-violence centre and its safe house, family counselling, legal aid,
Italian courses, job centres, mental health, a night pharmacy, social services, a trade
union's migrant desk.

:func:`seed_resources` is idempotent: every row has an id derived from its key
(``uuid5``), so running it again finds the same rows and saves only what differs from
the data below (no extra history either). ``manage.py seed_demo`` calls it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, time, timedelta
from decimal import Decimal
from typing import TextIO

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from members.models import Association, Language, User

from .models import (
    Location,
    Organization,
    Partnership,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)

NAMESPACE = uuid.UUID("0c6f7a52-93d4-4b8e-a1f0-5d2e8c3b9a71")

MIGR_AZIONI, SI_TEVEROLA, CONTRASTO_TV = "migr-azioni", "si-teverola", "contrasto-tv"
# The demo user who verifies the records each association keeps (see seed_demo).
VERIFIERS = {
    MIGR_AZIONI: "coordinator@nucleo.test",
    SI_TEVEROLA: "partner-operator@nucleo.test",
    CONTRASTO_TV: None,
}

WEEKDAYS = "MO,TU,WE,TH,FR"
MON_SAT = "MO,TU,WE,TH,FR,SA"
EVERY_DAY = "MO,TU,WE,TH,FR,SA,SU"
# Offices close on these days: Immacolata, Christmas, New Year's Day.
HOLIDAYS = ((12, 8, "Immacolata Concezione"), (12, 25, "Natale"), (1, 1, "Capodanno"))


def demo_id(kind: str, key: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"{kind}:{key}")


@dataclass(frozen=True)
class Org:
    name: str
    maintained_by: str
    description: str = ""
    legal_status: str = ""
    website: str = ""
    email: str = ""


@dataclass(frozen=True)
class Place:
    org: str
    name: str
    address: str
    city: str
    postal_code: str
    latitude: str | None
    longitude: str | None
    wheelchair: bool = False
    accessibility: str = ""
    description: str = ""


@dataclass(frozen=True)
class Res:
    """One service, at one place, with its phones and weekly hours."""

    org: str
    place: str
    name: str
    description: str
    categories: tuple[str, ...]
    languages: tuple[str, ...]
    # (days, opens, closes), e.g. (WEEKDAYS, "09:00", "13:00")
    hours: tuple[tuple[str, str, str], ...]
    # (number, type, description)
    phones: tuple[tuple[str, str, str], ...]
    is_public: bool = True
    is_free: bool = True
    fees: str = ""
    eligibility: str = ""
    application: str = ""
    interpretation: str = ""
    provider_gender: str = ""
    status: str = Service.Status.ACTIVE
    # Closed on HOLIDAYS; False for places open every day of the year.
    closed_on_holidays: bool = True
    # (month, day, opens, closes, description): special hours on a holiday.
    special_days: tuple[tuple[int, int, str, str, str], ...] = ()
    verified_days_ago: int = 20
    minimum_age: int | None = None
    maximum_age: int | None = None
    email: str = ""


ORGANIZATIONS: dict[str, Org] = {
    # --- Caserta ------------------------------------------------------------------------
    "ao-sant-anselmo": Org(
        "Azienda Ospedaliera Sant'Anselmo (fittizia)",
        MIGR_AZIONI,
        "Ospedale civile con pronto soccorso e ambulatori.",
        "Ente pubblico",
    ),
    "questura-caserta": Org(
        "Ufficio immigrazione della Questura (fittizio)",
        MIGR_AZIONI,
        "Permessi di soggiorno, richieste di asilo, documenti di viaggio.",
        "Ente pubblico",
    ),
    "caritas-san-paolo": Org(
        "Centro d'ascolto Caritas San Paolo (fittizio)",
        MIGR_AZIONI,
        "Ascolto, orientamento, vestiti e beni di prima necessità.",
        "Ente religioso",
    ),
    "banco-terra-di-lavoro": Org(
        "Banco alimentare Terra di Lavoro (fittizio)",
        MIGR_AZIONI,
        "Raccoglie e distribuisce alimenti alle famiglie in difficoltà.",
        "ODV",
    ),
    "mensa-don-tonino": Org(
        "Mensa solidale Don Tonino (fittizia)",
        MIGR_AZIONI,
        "Un pasto caldo ogni giorno, senza chiedere documenti.",
        "Associazione",
    ),
    "dormitorio-la-stella": Org(
        "Dormitorio La Stella (fittizio)",
        MIGR_AZIONI,
        "Accoglienza notturna per uomini e donne senza dimora.",
        "Cooperativa sociale",
    ),
    "cav-ester": Org(
        "Centro antiviolenza Ester (fittizio)",
        MIGR_AZIONI,
        "Sostegno a donne che subiscono violenza e ai loro figli, anche in emergenza.",
        "APS",
    ),
    "consultorio-caserta": Org(
        "Consultorio familiare Distretto Caserta (fittizio)",
        MIGR_AZIONI,
        "Consultorio pubblico: salute della donna, gravidanza, contraccezione, famiglia.",
        "Ente pubblico",
    ),
    "diritti-in-rete": Org(
        "Sportello legale Diritti in Rete (fittizio)",
        MIGR_AZIONI,
        "Avvocati volontari per il diritto dell'immigrazione, del lavoro e della casa.",
        "APS",
    ),
    "cpia-caserta": Org(
        "CPIA Terra di Lavoro (fittizio)",
        MIGR_AZIONI,
        "Centro provinciale per l'istruzione degli adulti: italiano, licenza media.",
        "Scuola pubblica",
    ),
    "cpi-caserta": Org(
        "Centro per l'impiego di Caserta (fittizio)",
        MIGR_AZIONI,
        "Iscrizione alle liste di disoccupazione, offerte di lavoro, tirocini.",
        "Ente pubblico",
    ),
    "csm-caserta": Org(
        "Centro di salute mentale Caserta Nord (fittizio)",
        MIGR_AZIONI,
        "Servizio pubblico di salute mentale per adulti.",
        "Ente pubblico",
    ),
    "spazio-transculturale": Org(
        "Spazio transculturale Approdi (fittizio)",
        MIGR_AZIONI,
        "Psicologi e mediatori culturali per persone migranti e rifugiate.",
        "APS",
    ),
    "farmacia-san-carlo": Org(
        "Farmacia notturna San Carlo (fittizia)",
        MIGR_AZIONI,
        "Farmacia aperta tutte le notti.",
        "Impresa",
    ),
    "comune-caserta": Org(
        "Servizi sociali del Comune di Caserta (fittizio)",
        MIGR_AZIONI,
        "Segretariato sociale, contributi economici, residenza per persone senza dimora.",
        "Ente pubblico",
    ),
    "patronato-caserta": Org(
        "Patronato sindacale Lavoro e Diritti (fittizio)",
        MIGR_AZIONI,
        "Sportello migranti del sindacato: permessi, ricongiungimenti, cittadinanza, "
        "pensioni e disoccupazione.",
        "Patronato",
    ),
    # --- Teverola -----------------------------------------------------------------------
    "comune-teverola": Org(
        "Servizi sociali del Comune di Teverola (fittizio)",
        SI_TEVEROLA,
        "Segretariato sociale e sostegno alle famiglie.",
        "Ente pubblico",
    ),
    "emporio-san-giovanni": Org(
        "Emporio solidale San Giovanni (fittizio)",
        SI_TEVEROLA,
        "Spesa gratuita con tessera a punti per le famiglie seguite.",
        "Ente religioso",
    ),
    "doposcuola-girasole": Org(
        "Doposcuola Il Girasole (fittizio)",
        SI_TEVEROLA,
        "Aiuto nei compiti e attività per bambini e ragazzi.",
        "ODV",
    ),
    "ambulatorio-solidale-teverola": Org(
        "Ambulatorio medico solidale di Teverola (fittizio)",
        SI_TEVEROLA,
        "Medici volontari per chi non ha il medico di base.",
        "ODV",
    ),
    "parole-nuove": Org(
        "Scuola di italiano Parole Nuove (fittizia)",
        CONTRASTO_TV,
        "Corsi serali di italiano tenuti da insegnanti volontari.",
        "APS",
    ),
    # --- Aversa -------------------------------------------------------------------------
    "ospedale-san-paolino": Org(
        "Ospedale civile San Paolino (fittizio)",
        SI_TEVEROLA,
        "Ospedale civile con pronto soccorso.",
        "Ente pubblico",
    ),
    "ambito-c6": Org(
        "Ambito sociale Agro Aversano (fittizio)",
        SI_TEVEROLA,
        "Servizi sociali dei comuni dell'agro aversano.",
        "Ente pubblico",
    ),
    "casa-betania": Org(
        "Dormitorio Casa Betania (fittizio)",
        SI_TEVEROLA,
        "Posti letto per la notte per uomini senza dimora.",
        "Ente religioso",
    ),
    "mensa-sant-antonio": Org(
        "Mensa Sant'Antonio (fittizia)",
        SI_TEVEROLA,
        "Mensa per chi è in difficoltà.",
        "Ente religioso",
    ),
    "babel": Org(
        "Scuola di lingue Babel (fittizia)",
        SI_TEVEROLA,
        "Scuola privata: corsi di italiano e preparazione agli esami di certificazione.",
        "Impresa",
    ),
    # --- Marcianise ---------------------------------------------------------------------
    "cpi-marcianise": Org(
        "Centro per l'impiego di Marcianise (fittizio)",
        MIGR_AZIONI,
        "Servizi per il lavoro della zona di Marcianise.",
        "Ente pubblico",
    ),
    "consultorio-marcianise": Org(
        "Consultorio familiare Marcianise (fittizio)",
        MIGR_AZIONI,
        "Consultorio pubblico per donne, coppie e famiglie.",
        "Ente pubblico",
    ),
    # --- Santa Maria Capua Vetere -------------------------------------------------------
    "avvocati-smcv": Org(
        "Sportello gratuito patrocinio dell'Ordine degli avvocati (fittizio)",
        MIGR_AZIONI,
        "Informazioni sul patrocinio a spese dello Stato.",
        "Ente pubblico",
    ),
    "comunita-il-ponte": Org(
        "Comunità per minori Il Ponte (fittizia)",
        MIGR_AZIONI,
        "Accoglienza di minori stranieri non accompagnati.",
        "Cooperativa sociale",
    ),
    # --- Maddaloni ----------------------------------------------------------------------
    "poliambulatorio-maddaloni": Org(
        "Poliambulatorio distrettuale di Maddaloni (fittizio)",
        MIGR_AZIONI,
        "Visite specialistiche, vaccinazioni, scelta del medico.",
        "Ente pubblico",
    ),
    "caritas-san-michele": Org(
        "Centro d'ascolto Caritas San Michele (fittizio)",
        MIGR_AZIONI,
        "Ascolto e aiuti concreti per chi è in difficoltà.",
        "Ente religioso",
    ),
    "sorriso-solidale": Org(
        "Studio dentistico solidale Sorriso (fittizio)",
        MIGR_AZIONI,
        "Cure dentistiche a tariffe ridotte.",
        "Impresa sociale",
    ),
    # --- Casal di Principe --------------------------------------------------------------
    "terra-libera": Org(
        "Cooperativa agricola Terra Libera (fittizia)",
        CONTRASTO_TV,
        "Lavoro agricolo regolare su terreni confiscati alla camorra.",
        "Cooperativa sociale",
    ),
    "sportello-caporalato": Org(
        "Sportello contro il caporalato (fittizio)",
        CONTRASTO_TV,
        "Aiuto a chi lavora senza contratto o sotto un caporale.",
        "APS",
    ),
    # --- Castel Volturno ----------------------------------------------------------------
    "poliambulatorio-domiziana": Org(
        "Poliambulatorio solidale Domiziana (fittizio)",
        CONTRASTO_TV,
        "Medici e infermieri volontari per chi non ha il medico di base.",
        "ODV",
    ),
    "caritas-santa-maria-mare": Org(
        "Centro d'ascolto Caritas Santa Maria del Mare (fittizio)",
        CONTRASTO_TV,
        "Ascolto, docce, vestiti e orientamento sul litorale.",
        "Ente religioso",
    ),
    "accoglienza-litorale": Org(
        "Accoglienza notturna Litorale (fittizia)",
        CONTRASTO_TV,
        "Posti letto per la notte sul litorale domizio.",
        "Cooperativa sociale",
    ),
    "via-d-uscita": Org(
        "Sportello anti-tratta Via d'Uscita (fittizio)",
        CONTRASTO_TV,
        "Aiuto a chi è vittima di tratta e sfruttamento.",
        "APS",
    ),
}

PLACES: dict[str, Place] = {
    # --- Caserta (81100) ----------------------------------------------------------------
    "ao-sant-anselmo": Place(
        "ao-sant-anselmo", "Ospedale Sant'Anselmo", "Via dei Tigli 14", "Caserta", "81100",
        "41.078400", "14.345600", True, "Ingresso senza gradini, ascensori e bagni accessibili.",
    ),
    "questura-caserta": Place(
        "questura-caserta", "Ufficio immigrazione", "Via Napoli 120", "Caserta", "81100",
        "41.069800", "14.331900", True, "Rampa all'ingresso laterale.",
    ),
    "caritas-san-paolo": Place(
        "caritas-san-paolo", "Parrocchia San Paolo", "Via San Paolo 3", "Caserta", "81100",
        "41.075600", "14.327100", False, "Tre gradini all'ingresso.",
    ),
    "mensa-don-tonino": Place(
        "mensa-don-tonino", "Mensa Don Tonino", "Via Roma 88", "Caserta", "81100",
        "41.071100", "14.336500", True, "Sala al piano terra.",
    ),
    "dormitorio-la-stella": Place(
        "dormitorio-la-stella", "Dormitorio La Stella", "Via Ferrarecce 41", "Caserta", "81100",
        "41.066300", "14.339800", False, "Camere al primo piano, senza ascensore.",
    ),
    "cav-ester": Place(
        "cav-ester", "Sportello del centro antiviolenza", "Via Mazzini 57", "Caserta", "81100",
        "41.074200", "14.333800", True, "Ingresso riservato al piano terra.",
    ),
    # The safe house: no address, no coordinates, reached only through the centre.
    "casa-rifugio": Place(
        "cav-ester", "Casa rifugio (indirizzo riservato)", "", "", "", None, None,
        description="L'indirizzo non viene mai comunicato: si accede tramite il centro "
        "antiviolenza.",
    ),
    "consultorio-caserta": Place(
        "consultorio-caserta", "Consultorio familiare", "Via Unità Italiana 22", "Caserta",
        "81100", "41.070900", "14.325400", True, "Ascensore e bagno accessibile.",
    ),
    "diritti-in-rete": Place(
        "diritti-in-rete", "Sportello Diritti in Rete", "Corso Trieste 150", "Caserta", "81100",
        "41.073900", "14.330100", False, "Primo piano senza ascensore: su richiesta si riceve "
        "al piano terra.",
    ),
    "cpia-caserta": Place(
        "cpia-caserta", "CPIA, sede centrale", "Via Ceccano 9", "Caserta", "81100",
        "41.080100", "14.322700", True, "Aule al piano terra.",
    ),
    "cpi-caserta": Place(
        "cpi-caserta", "Centro per l'impiego", "Viale Lincoln 64", "Caserta", "81100",
        "41.065200", "14.327800", True,
    ),
    "csm-caserta": Place(
        "csm-caserta", "Centro di salute mentale", "Via Giulio Douhet 7", "Caserta", "81100",
        "41.082300", "14.336200", True,
    ),
    "spazio-transculturale": Place(
        "spazio-transculturale", "Spazio Approdi", "Via Jommelli 18", "Caserta", "81100",
        "41.076800", "14.339300", False,
    ),
    "farmacia-san-carlo": Place(
        "farmacia-san-carlo", "Farmacia San Carlo", "Corso Giannone 31", "Caserta", "81100",
        "41.072500", "14.333100", True, "Servizio notturno dallo sportello esterno.",
    ),
    "comune-caserta": Place(
        "comune-caserta", "Segretariato sociale", "Piazza Vanvitelli 61", "Caserta", "81100",
        "41.072900", "14.332400", True,
    ),
    "patronato-caserta": Place(
        "patronato-caserta", "Sede del patronato", "Via Verdi 25", "Caserta", "81100",
        "41.074700", "14.328600", True,
    ),
    # --- Teverola (81030) ---------------------------------------------------------------
    "comune-teverola": Place(
        "comune-teverola", "Municipio di Teverola", "Piazza Municipio 1", "Teverola", "81030",
        "40.996200", "14.205300", True,
    ),
    "emporio-san-giovanni": Place(
        "emporio-san-giovanni", "Emporio San Giovanni", "Via Roma 12", "Teverola", "81030",
        "40.994800", "14.207900", True,
    ),
    "doposcuola-girasole": Place(
        "doposcuola-girasole", "Il Girasole", "Via Vittorio Emanuele 40", "Teverola", "81030",
        "40.997900", "14.202600", False,
    ),
    "ambulatorio-solidale-teverola": Place(
        "ambulatorio-solidale-teverola", "Ambulatorio solidale", "Via Santa Croce 5",
        "Teverola", "81030", "40.993600", "14.203800", True,
    ),
    "parole-nuove": Place(
        "parole-nuove", "Aula Parole Nuove", "Via Garibaldi 22", "Teverola", "81030",
        "40.998700", "14.208100", False,
    ),
    # --- Aversa (81031) -----------------------------------------------------------------
    "ospedale-san-paolino": Place(
        "ospedale-san-paolino", "Ospedale San Paolino", "Via Gramsci 80", "Aversa", "81031",
        "40.968100", "14.203300", True, "Pronto soccorso con ingresso a raso.",
    ),
    "ambito-c6": Place(
        "ambito-c6", "Ufficio di piano", "Piazza Municipio 4", "Aversa", "81031",
        "40.973400", "14.206200", True,
    ),
    "casa-betania": Place(
        "casa-betania", "Casa Betania", "Via Belvedere 17", "Aversa", "81031",
        "40.975900", "14.210800", False,
    ),
    "mensa-sant-antonio": Place(
        "mensa-sant-antonio", "Convento di Sant'Antonio", "Via San Francesco 2", "Aversa",
        "81031", "40.970600", "14.209700", True,
    ),
    "babel": Place(
        "babel", "Scuola Babel", "Corso Umberto I 101", "Aversa", "81031",
        "40.972200", "14.204900", False,
    ),
    # --- Marcianise (81025) -------------------------------------------------------------
    "banco-terra-di-lavoro": Place(
        "banco-terra-di-lavoro", "Magazzino del banco alimentare", "Via Novelli 90",
        "Marcianise", "81025", "41.029400", "14.294100", True, "Ritiro al piano terra.",
    ),
    "cpi-marcianise": Place(
        "cpi-marcianise", "Centro per l'impiego", "Via Duca degli Abruzzi 15", "Marcianise",
        "81025", "41.034600", "14.300200", True,
    ),
    "consultorio-marcianise": Place(
        "consultorio-marcianise", "Consultorio familiare", "Via Santoro 33", "Marcianise",
        "81025", "41.031800", "14.296700", True,
    ),
    # --- Santa Maria Capua Vetere (81055) -----------------------------------------------
    "avvocati-smcv": Place(
        "avvocati-smcv", "Palazzo di giustizia, piano terra", "Via Mazzocchi 2",
        "Santa Maria Capua Vetere", "81055", "41.083300", "14.255900", True,
    ),
    "cpia-smcv": Place(
        "cpia-caserta", "CPIA, sede associata", "Via Galatina 11", "Santa Maria Capua Vetere",
        "81055", "41.086100", "14.251200", True,
    ),
    "comunita-il-ponte": Place(
        "comunita-il-ponte", "Comunità Il Ponte", "", "Santa Maria Capua Vetere", "81055",
        None, None, description="Indirizzo comunicato solo ai servizi invianti.",
    ),
    # --- Maddaloni (81024) --------------------------------------------------------------
    "poliambulatorio-maddaloni": Place(
        "poliambulatorio-maddaloni", "Poliambulatorio", "Via Cancello 46", "Maddaloni",
        "81024", "41.039000", "14.384800", True,
    ),
    "caritas-san-michele": Place(
        "caritas-san-michele", "Parrocchia San Michele", "Via San Michele 8", "Maddaloni",
        "81024", "41.035900", "14.380300", False,
    ),
    "sorriso-solidale": Place(
        "sorriso-solidale", "Studio Sorriso", "Corso I Ottobre 70", "Maddaloni", "81024",
        "41.037800", "14.378900", True,
    ),
    # --- Casal di Principe (81033) ------------------------------------------------------
    "terra-libera": Place(
        "terra-libera", "Sede della cooperativa", "Via Vaticale 3", "Casal di Principe",
        "81033", "41.011200", "14.127300", True,
    ),
    "sportello-caporalato": Place(
        "sportello-caporalato", "Sportello contro il caporalato", "Via Urano 19",
        "Casal di Principe", "81033", "41.008100", "14.132400", True,
    ),
    # --- Castel Volturno (81030) --------------------------------------------------------
    "poliambulatorio-domiziana": Place(
        "poliambulatorio-domiziana", "Poliambulatorio Domiziana", "Via Domitiana km 33",
        "Castel Volturno", "81030", "41.030600", "13.946800", True,
    ),
    "caritas-santa-maria-mare": Place(
        "caritas-santa-maria-mare", "Centro Santa Maria del Mare", "Viale Lenin 4",
        "Castel Volturno", "81030", "41.036100", "13.938200", True,
    ),
    "accoglienza-litorale": Place(
        "accoglienza-litorale", "Accoglienza Litorale", "Via Occidentale 12",
        "Castel Volturno", "81030", "41.028300", "13.944900", False,
    ),
    "via-d-uscita": Place(
        "via-d-uscita", "Sportello Via d'Uscita", "Via Veneto 6", "Castel Volturno", "81030",
        "41.034700", "13.941100", True,
    ),
}  # fmt: skip

VOICE, CELL, MESSAGING = Phone.Type.VOICE, Phone.Type.CELL, Phone.Type.MESSAGING

RESOURCES: dict[str, Res] = {
    # --- Caserta ------------------------------------------------------------------------
    "pronto-soccorso-caserta": Res(
        "ao-sant-anselmo", "ao-sant-anselmo", "Pronto soccorso",
        "Emergenze e urgenze a ogni ora. Si viene curati anche senza documenti.",
        ("emergency", "hospital"), ("it", "en"),
        ((EVERY_DAY, "00:00", "23:59"),),
        (("0823 555 101", VOICE, "Accettazione"),),
        closed_on_holidays=False,
        eligibility="Chiunque, con o senza documenti e tessera sanitaria.",
        interpretation="Mediatore culturale su chiamata.",
        verified_days_ago=12,
    ),
    "ambulatorio-stp-caserta": Res(
        "ao-sant-anselmo", "ao-sant-anselmo", "Ambulatorio STP/ENI per stranieri",
        "Visite e prescrizioni per chi non ha il permesso di soggiorno: qui si rilascia "
        "il codice STP (o ENI per i cittadini europei).",
        ("health",), ("it", "en", "fr"),
        (("MO,WE,FR", "09:00", "12:00"),),
        (("0823 555 117", VOICE, "Segreteria ambulatorio"),),
        eligibility="Persone straniere senza permesso di soggiorno o senza tessera sanitaria.",
        application="Portare un documento di identità se lo si ha; non è obbligatorio.",
        verified_days_ago=30,
    ),
    "questura-permessi": Res(
        "questura-caserta", "questura-caserta", "Permessi di soggiorno: rilascio e rinnovo",
        "Ritiro dei permessi, fotosegnalamento, richieste di asilo su appuntamento.",
        ("documents",), ("it", "en"),
        (("MO,WE", "09:00", "12:00"), ("TH", "15:00", "17:00")),
        (("0823 555 210", VOICE, "Centralino"),),
        is_free=False,
        fees="Bollettino postale per il permesso elettronico e marca da bollo da 16 euro.",
        application="Si entra solo con la convocazione o la ricevuta postale.",
        verified_days_ago=45,
    ),
    "caritas-ascolto-caserta": Res(
        "caritas-san-paolo", "caritas-san-paolo", "Centro d'ascolto",
        "Ascolto, orientamento ai servizi, aiuto per bollette e medicine.",
        ("social-services", "food"), ("it", "en", "fr"),
        (("TU,TH", "09:30", "12:30"),),
        (("0823 555 330", VOICE, ""), ("+39 320 555 0330", MESSAGING, "WhatsApp")),
        verified_days_ago=8,
    ),
    "caritas-vestiti-caserta": Res(
        "caritas-san-paolo", "caritas-san-paolo", "Guardaroba solidale",
        "Vestiti, scarpe e coperte per adulti e bambini.",
        ("food",), ("it", "en"),
        (("SA", "09:00", "12:00"),),
        (("0823 555 330", VOICE, "Centro d'ascolto"),),
        verified_days_ago=240,  # stale
    ),
    "mensa-don-tonino": Res(
        "mensa-don-tonino", "mensa-don-tonino", "Mensa solidale",
        "Pranzo caldo ogni giorno. Non servono documenti né prenotazione.",
        ("canteen", "food"), ("it", "en", "ar"),
        ((EVERY_DAY, "12:00", "14:00"),),
        (("0823 555 412", VOICE, ""),),
        closed_on_holidays=False,
        special_days=((12, 25, "12:00", "16:00", "Pranzo di Natale"),),
        verified_days_ago=5,
    ),
    "dormitorio-la-stella": Res(
        "dormitorio-la-stella", "dormitorio-la-stella", "Accoglienza notturna",
        "Letto, doccia e colazione. Ingresso dalle 20:00, uscita alle 8:00.",
        ("shelter", "housing", "emergency"), ("it", "en", "fr"),
        ((EVERY_DAY, "20:00", "08:00"),),
        (("0823 555 498", VOICE, "Dalle 19:30"), ("+39 331 555 0498", CELL, "Operatore notturno")),
        closed_on_holidays=False,
        eligibility="Persone maggiorenni senza dimora.",
        application="Presentarsi entro le 21:00; posti limitati.",
        minimum_age=18,
        verified_days_ago=15,
    ),
    "cav-ester": Res(
        "cav-ester", "cav-ester", "Centro antiviolenza",
        "Ascolto, consulenza legale e psicologica, accompagnamento e protezione per donne "
        "che subiscono violenza. Anonimo e gratuito.",
        ("violence", "legal"), ("it", "en", "fr", "ar"),
        ((WEEKDAYS, "09:00", "17:00"),),
        (("0823 555 600", VOICE, "Sportello"), ("+39 340 555 0600", CELL, "Reperibilità 24 ore")),
        provider_gender=Service.Gender.FEMALE,
        interpretation="Mediatrici culturali in inglese, francese e arabo.",
        verified_days_ago=10,
    ),
    "casa-rifugio": Res(
        "cav-ester", "casa-rifugio", "Casa rifugio",
        "Ospitalità protetta per donne, anche con figli, in pericolo. L'indirizzo è segreto.",
        ("violence", "housing", "emergency"), ("it", "en", "fr", "ar"),
        ((EVERY_DAY, "00:00", "23:59"),),
        (("+39 340 555 0600", CELL, "Attraverso il centro antiviolenza"),),
        is_public=False,
        provider_gender=Service.Gender.FEMALE,
        closed_on_holidays=False,
        application="Solo su invio del centro antiviolenza o dei servizi sociali.",
        verified_days_ago=10,
    ),
    "consultorio-caserta": Res(
        "consultorio-caserta", "consultorio-caserta", "Consultorio familiare",
        "Gravidanza, contraccezione, screening, sostegno a coppie e genitori.",
        ("family", "womens-health", "health"), ("it", "en"),
        ((WEEKDAYS, "08:30", "13:30"), ("TU,TH", "14:30", "17:00")),
        (("0823 555 702", VOICE, "Prenotazioni"),),
        eligibility="Accesso diretto, anche senza tessera sanitaria (codice STP).",
        verified_days_ago=60,
    ),
    "ginecologa-caserta": Res(
        "consultorio-caserta", "consultorio-caserta",
        "Ambulatorio ginecologico – dott.ssa Anna Ferraro",
        "Visite ginecologiche e controlli in gravidanza con una ginecologa.",
        ("womens-health", "health"), ("it", "en", "fr"),
        (("TU,TH", "09:00", "12:00"),),
        (("0823 555 702", VOICE, "Prenotazioni del consultorio"),),
        provider_gender=Service.Gender.FEMALE,
        application="Prenotare al telefono o allo sportello del consultorio.",
        verified_days_ago=60,
    ),
    "diritti-in-rete": Res(
        "diritti-in-rete", "diritti-in-rete", "Sportello legale per migranti",
        "Consulenza su permessi, ricorsi, protezione internazionale, lavoro e casa.",
        ("legal", "documents"), ("it", "en", "fr", "ar"),
        (("MO,TH", "16:00", "19:00"),),
        (("0823 555 815", VOICE, ""), ("+39 328 555 0815", MESSAGING, "WhatsApp, solo messaggi")),
        application="Meglio prenotare con un messaggio; portare i documenti che si hanno.",
        verified_days_ago=25,
    ),
    "cpia-caserta": Res(
        "cpia-caserta", "cpia-caserta", "Corsi di italiano per adulti stranieri",
        "Corsi gratuiti dal livello pre-A1 al B1, con esame finale valido per il permesso "
        "di lungo periodo.",
        ("language-courses", "education"), ("it", "en", "fr", "ar"),
        (("MO,TU,WE,TH", "15:00", "19:00"),),
        (("0823 555 920", VOICE, "Segreteria"),),
        eligibility="Dai 16 anni in su.",
        minimum_age=16,
        verified_days_ago=90,
    ),
    "cpi-caserta": Res(
        "cpi-caserta", "cpi-caserta", "Servizi per il lavoro",
        "Dichiarazione di disponibilità al lavoro, offerte, tirocini e orientamento.",
        ("work",), ("it", "en"),
        ((WEEKDAYS, "09:00", "12:00"), ("TU,TH", "15:00", "16:30")),
        (("0823 555 040", VOICE, ""),),
        verified_days_ago=300,  # stale
    ),
    "csm-caserta": Res(
        "csm-caserta", "csm-caserta", "Centro di salute mentale",
        "Visite psichiatriche, psicoterapia e sostegno nelle crisi.",
        ("mental-health", "health"), ("it", "en"),
        ((WEEKDAYS, "08:00", "20:00"), ("SA", "08:00", "14:00")),
        (("0823 555 150", VOICE, ""),),
        minimum_age=18,
        verified_days_ago=70,
    ),
    "spazio-transculturale": Res(
        "spazio-transculturale", "spazio-transculturale", "Sostegno psicologico transculturale",
        "Colloqui con psicologi e mediatori per chi ha vissuto traumi nel viaggio o nel "
        "paese d'origine.",
        ("mental-health",), ("it", "en", "fr", "ar", "ti"),
        (("WE", "15:00", "19:00"), ("SA", "10:00", "13:00")),
        (("+39 339 555 0277", CELL, ""),),
        interpretation="Mediatori in tigrino, arabo, francese e inglese.",
        verified_days_ago=35,
    ),
    "farmacia-san-carlo": Res(
        "farmacia-san-carlo", "farmacia-san-carlo", "Farmacia di turno notturno",
        "Farmaci tutte le notti, dallo sportello esterno.",
        ("health",), ("it", "en"),
        ((EVERY_DAY, "20:00", "08:30"),),
        (("0823 555 377", VOICE, ""),),
        is_free=False,
        fees="Prezzo dei farmaci; con la ricetta si paga solo il ticket.",
        closed_on_holidays=False,
        verified_days_ago=50,
    ),
    "segretariato-caserta": Res(
        "comune-caserta", "comune-caserta", "Segretariato sociale",
        "Primo ascolto dei servizi sociali, contributi economici, assistenza domiciliare.",
        ("social-services", "family"), ("it",),
        (("MO,WE,FR", "09:00", "12:00"),),
        (("0823 555 500", VOICE, "Centralino del Comune"),),
        verified_days_ago=400,  # stale
    ),
    "residenza-caserta": Res(
        "comune-caserta", "comune-caserta", "Residenza per persone senza dimora",
        "Iscrizione all'anagrafe in via fittizia per chi non ha una casa: serve per il "
        "medico di base, i documenti e i sussidi.",
        ("documents", "social-services"), ("it",),
        (("TU", "09:00", "12:00"),),
        (("0823 555 512", VOICE, "Ufficio anagrafe"),),
        application="Colloquio con l'assistente sociale, poi domanda all'anagrafe.",
        verified_days_ago=120,
    ),
    "patronato-migranti": Res(
        "patronato-caserta", "patronato-caserta", "Sportello migranti del patronato",
        "Rinnovo dei permessi, ricongiungimento familiare, cittadinanza, disoccupazione "
        "e pensioni.",
        ("work", "documents", "legal"), ("it", "en", "fr", "ar", "bn"),
        ((WEEKDAYS, "09:00", "13:00"), ("TU", "15:00", "18:00")),
        (("0823 555 640", VOICE, ""), ("+39 351 555 0640", MESSAGING, "WhatsApp")),
        is_free=False,
        fees="Gratuito per gli iscritti al sindacato; contributo per le pratiche di "
        "cittadinanza.",
        verified_days_ago=18,
    ),
    # --- Teverola -----------------------------------------------------------------------
    "servizi-sociali-teverola": Res(
        "comune-teverola", "comune-teverola", "Servizi sociali",
        "Assistenti sociali per famiglie, anziani e persone in difficoltà.",
        ("social-services", "family"), ("it",),
        (("TU,TH", "09:00", "12:00"),),
        (("081 555 3010", VOICE, ""),),
        verified_days_ago=220,  # stale
    ),
    "emporio-san-giovanni": Res(
        "emporio-san-giovanni", "emporio-san-giovanni", "Emporio solidale",
        "Spesa gratuita con una tessera a punti, per le famiglie seguite dai servizi "
        "o dal centro d'ascolto.",
        ("food-bank", "food"), ("it", "en"),
        (("TH", "16:00", "18:00"), ("SA", "10:00", "12:00")),
        (("081 555 3021", VOICE, ""),),
        application="Serve la tessera rilasciata dal centro d'ascolto.",
        verified_days_ago=22,
    ),
    "doposcuola-girasole": Res(
        "doposcuola-girasole", "doposcuola-girasole", "Doposcuola",
        "Aiuto nei compiti, italiano per i bambini arrivati da poco, giochi.",
        ("education", "family"), ("it", "en", "ar"),
        ((WEEKDAYS, "15:00", "18:00"),),
        (("+39 347 555 3034", CELL, "Referente"),),
        minimum_age=6,
        maximum_age=14,
        verified_days_ago=40,
    ),
    "ambulatorio-solidale-teverola": Res(
        "ambulatorio-solidale-teverola", "ambulatorio-solidale-teverola", "Ambulatorio solidale",
        "Visite di medicina generale e farmaci di base gratuiti.",
        ("health",), ("it", "en", "fr"),
        (("WE", "16:00", "19:00"), ("SA", "09:00", "12:00")),
        (("081 555 3047", VOICE, ""),),
        verified_days_ago=28,
    ),
    "parole-nuove": Res(
        "parole-nuove", "parole-nuove", "Corso serale di italiano",
        "Italiano per adulti, di sera, per chi lavora di giorno. Pausa estiva: riapre a "
        "settembre.",
        ("language-courses", "education"), ("it", "en", "fr", "wo"),
        (("TU,TH", "18:00", "20:00"),),
        (("+39 333 555 3058", MESSAGING, "WhatsApp"),),
        status=Service.Status.TEMPORARILY_CLOSED,
        verified_days_ago=14,
    ),
    # --- Aversa -------------------------------------------------------------------------
    "pronto-soccorso-aversa": Res(
        "ospedale-san-paolino", "ospedale-san-paolino", "Pronto soccorso",
        "Emergenze a ogni ora, anche senza documenti.",
        ("emergency", "hospital"), ("it", "en"),
        ((EVERY_DAY, "00:00", "23:59"),),
        (("081 555 8100", VOICE, "Accettazione"),),
        closed_on_holidays=False,
        verified_days_ago=33,
    ),
    "segretariato-aversa": Res(
        "ambito-c6", "ambito-c6", "Segretariato sociale d'ambito",
        "Servizi sociali dei comuni dell'agro aversano: sostegno economico, minori, "
        "disabilità.",
        ("social-services", "family"), ("it", "en"),
        (("MO,WE", "09:30", "12:30"), ("TH", "15:00", "17:00")),
        (("081 555 8122", VOICE, ""),),
        verified_days_ago=75,
    ),
    "casa-betania": Res(
        "casa-betania", "casa-betania", "Posti letto per la notte",
        "Dodici posti letto per uomini, con cena e colazione.",
        ("shelter", "housing"), ("it", "en", "fr"),
        ((EVERY_DAY, "20:00", "08:00"),),
        (("081 555 8139", VOICE, "Dalle 19:00"),),
        closed_on_holidays=False,
        eligibility="Uomini maggiorenni senza dimora.",
        minimum_age=18,
        verified_days_ago=260,  # stale
    ),
    "mensa-sant-antonio": Res(
        "mensa-sant-antonio", "mensa-sant-antonio", "Mensa dei frati",
        "Pranzo dal lunedì al sabato.",
        ("canteen", "food"), ("it",),
        ((MON_SAT, "12:00", "13:30"),),
        (("081 555 8145", VOICE, "Portineria del convento"),),
        verified_days_ago=55,
    ),
    "babel-esami": Res(
        "babel", "babel", "Preparazione agli esami di italiano A2 e B1",
        "Corsi intensivi e simulazioni d'esame per il permesso di lungo periodo e la "
        "cittadinanza.",
        ("language-courses", "education"), ("it", "en", "ro", "uk"),
        (("MO,WE,FR", "17:00", "20:00"),),
        (("081 555 8163", VOICE, "Segreteria"),),
        is_free=False,
        fees="A pagamento: 180 euro il corso di 40 ore.",
        verified_days_ago=95,
    ),
    # --- Marcianise ---------------------------------------------------------------------
    "banco-alimentare": Res(
        "banco-terra-di-lavoro", "banco-terra-di-lavoro", "Pacchi alimentari",
        "Pacchi di alimenti per famiglie con bambini e persone in difficoltà.",
        ("food-bank", "food"), ("it", "en", "fr"),
        (("WE", "15:00", "18:00"), ("SA", "09:00", "12:00")),
        (("0823 555 871", VOICE, ""),),
        eligibility="Famiglie con ISEE basso o segnalate dai servizi sociali o dai centri "
        "d'ascolto.",
        verified_days_ago=42,
    ),
    "cpi-marcianise": Res(
        "cpi-marcianise", "cpi-marcianise", "Servizi per il lavoro",
        "Offerte di lavoro della zona industriale, tirocini e corsi di formazione.",
        ("work",), ("it",),
        ((WEEKDAYS, "09:00", "12:00"),),
        (("0823 555 882", VOICE, ""),),
        verified_days_ago=130,
    ),
    "consultorio-marcianise": Res(
        "consultorio-marcianise", "consultorio-marcianise", "Consultorio familiare",
        "Salute della donna, gravidanza, vaccinazioni dei bambini, sostegno ai genitori.",
        ("family", "womens-health", "health"), ("it", "en"),
        ((WEEKDAYS, "08:30", "13:00"), ("WE", "14:30", "17:00")),
        (("0823 555 893", VOICE, ""),),
        verified_days_ago=85,
    ),
    # --- Santa Maria Capua Vetere -------------------------------------------------------
    "gratuito-patrocinio": Res(
        "avvocati-smcv", "avvocati-smcv", "Gratuito patrocinio",
        "Come avere un avvocato pagato dallo Stato, anche per ricorsi sull'asilo.",
        ("legal",), ("it", "en"),
        (("TU", "10:00", "12:00"),),
        (("0823 555 941", VOICE, ""),),
        eligibility="Persone con reddito basso.",
        verified_days_ago=110,
    ),
    "cpia-smcv": Res(
        "cpia-caserta", "cpia-smcv", "Corsi di italiano e licenza media",
        "Italiano dal livello A1 e corsi per la licenza media.",
        ("language-courses", "education"), ("it", "en", "fr"),
        (("MO,WE", "16:00", "19:00"), ("FR", "09:00", "12:00")),
        (("0823 555 952", VOICE, "Sede associata"),),
        minimum_age=16,
        verified_days_ago=90,
    ),
    "comunita-il-ponte": Res(
        "comunita-il-ponte", "comunita-il-ponte", "Comunità per minori non accompagnati",
        "Accoglienza residenziale di ragazzi stranieri soli, su invio del tribunale per i "
        "minorenni o dei servizi sociali.",
        ("family", "housing"), ("it", "en", "fr", "ar"),
        ((EVERY_DAY, "00:00", "23:59"),),
        (("0823 555 963", VOICE, "Solo per i servizi invianti"),),
        is_public=False,
        closed_on_holidays=False,
        maximum_age=17,
        verified_days_ago=65,
    ),
    # --- Maddaloni ----------------------------------------------------------------------
    "poliambulatorio-maddaloni": Res(
        "poliambulatorio-maddaloni", "poliambulatorio-maddaloni",
        "Scelta del medico e vaccinazioni",
        "Iscrizione al servizio sanitario, scelta del medico di base e del pediatra, "
        "vaccinazioni.",
        ("health", "documents"), ("it",),
        ((WEEKDAYS, "08:30", "12:30"),),
        (("0823 555 404", VOICE, ""),),
        application="Portare permesso di soggiorno (o ricevuta), codice fiscale e residenza.",
        verified_days_ago=190,  # stale
    ),
    "caritas-maddaloni": Res(
        "caritas-san-michele", "caritas-san-michele", "Centro d'ascolto",
        "Ascolto, pacchi alimentari e aiuto per le bollette.",
        ("social-services", "food"), ("it", "en"),
        (("MO,TH", "16:00", "18:30"),),
        (("0823 555 418", VOICE, ""),),
        verified_days_ago=48,
    ),
    "sorriso-solidale": Res(
        "sorriso-solidale", "sorriso-solidale", "Cure dentistiche a tariffe ridotte",
        "Visite, otturazioni ed estrazioni a prezzi bassi; prima visita gratuita.",
        ("health",), ("it", "en"),
        (("TU,TH", "15:00", "19:00"),),
        (("0823 555 426", VOICE, ""),),
        is_free=False,
        fees="Prima visita gratuita; tariffe ridotte secondo l'ISEE.",
        verified_days_ago=100,
    ),
    # --- Casal di Principe --------------------------------------------------------------
    "terra-libera": Res(
        "terra-libera", "terra-libera", "Lavoro agricolo con contratto",
        "Assunzioni stagionali regolari nella raccolta e nella trasformazione, con "
        "formazione sulla sicurezza.",
        ("work",), ("it", "en", "fr", "pa"),
        ((WEEKDAYS, "08:00", "14:00"),),
        (("081 555 6011", VOICE, ""),),
        eligibility="Maggiorenni con permesso di soggiorno che consente il lavoro.",
        minimum_age=18,
        verified_days_ago=37,
    ),
    "sportello-caporalato": Res(
        "sportello-caporalato", "sportello-caporalato", "Sportello contro il caporalato",
        "Ascolto riservato, calcolo della paga dovuta, denuncia accompagnata e permesso "
        "per chi denuncia lo sfruttamento.",
        ("legal", "work"), ("it", "en", "fr", "pa", "bn"),
        (("MO,WE", "17:00", "20:00"), ("SU", "10:00", "13:00")),
        (("081 555 6024", VOICE, ""), ("+39 366 555 6024", MESSAGING, "WhatsApp, anonimo")),
        verified_days_ago=20,
    ),
    # --- Castel Volturno ----------------------------------------------------------------
    "poliambulatorio-domiziana": Res(
        "poliambulatorio-domiziana", "poliambulatorio-domiziana", "Poliambulatorio solidale",
        "Medicina generale, pediatria e ginecologia per chi non ha il medico di base.",
        ("health", "womens-health"), ("it", "en", "fr", "pcm", "ak"),
        (("MO,WE,FR", "09:00", "13:00"), ("TU", "15:00", "18:00")),
        (("0823 555 771", VOICE, ""), ("+39 329 555 0771", MESSAGING, "WhatsApp")),
        interpretation="Mediatori in inglese, pidgin e twi.",
        verified_days_ago=16,
    ),
    "caritas-castel-volturno": Res(
        "caritas-santa-maria-mare", "caritas-santa-maria-mare", "Centro d'ascolto e docce",
        "Ascolto, docce calde, vestiti e orientamento ai servizi.",
        ("social-services", "food"), ("it", "en", "fr", "pcm"),
        (("TU,TH,SA", "09:00", "12:30"),),
        (("0823 555 784", VOICE, ""),),
        verified_days_ago=27,
    ),
    "accoglienza-litorale": Res(
        "accoglienza-litorale", "accoglienza-litorale", "Accoglienza notturna",
        "Posti letto per uomini e donne, in stanze separate.",
        ("shelter", "housing", "emergency"), ("it", "en", "fr"),
        ((EVERY_DAY, "20:00", "08:00"),),
        (("0823 555 797", VOICE, "Dalle 19:30"),),
        closed_on_holidays=False,
        minimum_age=18,
        verified_days_ago=58,
    ),
    "via-d-uscita": Res(
        "via-d-uscita", "via-d-uscita", "Sportello anti-tratta",
        "Ascolto, protezione e un percorso di uscita per chi è costretta a prostituirsi "
        "o a lavorare per ripagare un debito.",
        ("violence", "legal"), ("it", "en", "pcm", "yo", "ig"),
        (("MO,WE,FR", "10:00", "16:00"),),
        (("0823 555 808", VOICE, ""), ("+39 342 555 0808", CELL, "Unità di strada")),
        provider_gender=Service.Gender.FEMALE,
        interpretation="Mediatrici nigeriane.",
        verified_days_ago=21,
    ),
}  # fmt: skip

# (association, organization key, categories, referrals it accepts, contact, phone)
PARTNERSHIPS = [
    (
        MIGR_AZIONI,
        "diritti-in-rete",
        ("legal", "documents"),
        "Consulenze sui permessi e ricorsi: inviare la scheda con i documenti della persona.",
        "Avv. Laura Marino",
        "+39 328 555 0815",
    ),
    (
        MIGR_AZIONI,
        "cav-ester",
        ("violence",),
        "Donne che subiscono violenza, anche in emergenza: telefonare prima alla reperibilità.",
        "Dott.ssa Giovanna Caputo",
        "+39 340 555 0600",
    ),
]


def _upsert(model, pk: uuid.UUID, verified: tuple[int, User | None] | None = None, **fields):
    """Create the row, or update only the fields that differ: a second run saves nothing
    and so adds no history.

    ``verified`` is (days ago, by whom) for records that keep when they were last
    checked: set on creation, and again only when the record would otherwise show as
    stale (or fresh) against what the demo means it to be.
    """
    obj = model.objects.filter(pk=pk).first()
    if verified is not None:
        days_ago, verified_by = verified
        now = timezone.now()
        wanted = now - timedelta(days=days_ago)
        want_stale = now - wanted > settings.NUCLEO_RESOURCE_STALE_AFTER
        if obj is None or obj.last_verified_at is None or obj.is_stale != want_stale:
            fields |= {
                "last_verified_at": wanted,
                "last_verified_by_id": getattr(verified_by, "pk", None),
            }
    if obj is None:
        return model.objects.create(pk=pk, **fields), True
    changed = [name for name, value in fields.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, fields[name])
        obj.save()
    return obj, False


def _clock(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def _next(month: int, day: int, today: date) -> date:
    this_year = date(today.year, month, day)
    return this_year if this_year >= today else date(today.year + 1, month, day)


def _coordinate(value: str | None) -> Decimal | None:
    return Decimal(value) if value is not None else None


@transaction.atomic
def seed_resources(stdout: TextIO) -> None:
    """Create or refresh the demo resource map. Needs the demo associations."""
    associations = {a.slug: a for a in Association.objects.filter(slug__in=VERIFIERS)}
    missing = set(VERIFIERS) - set(associations)
    if missing:
        raise RuntimeError(f"Create the demo associations first: {', '.join(sorted(missing))}")
    verifiers = {
        slug: User.objects.filter(email=email).first() if email else None
        for slug, email in VERIFIERS.items()
    }
    terms = {term.code: term for term in TaxonomyTerm.objects.all()}
    languages = {language.code: language for language in Language.objects.all()}
    today = timezone.localdate()
    # An organization and its places were checked when their most recent service was.
    verified_days: dict[str, int] = {}
    for res in RESOURCES.values():
        verified_days[res.org] = min(
            verified_days.get(res.org, res.verified_days_ago), res.verified_days_ago
        )

    organizations: dict[str, Organization] = {}
    for key, org in ORGANIZATIONS.items():
        organizations[key], _ = _upsert(
            Organization,
            demo_id("organization", key),
            name=org.name,
            description=org.description,
            legal_status=org.legal_status,
            website=org.website,
            email=org.email,
            maintained_by_id=associations[org.maintained_by].pk,
            verified=(verified_days[key], verifiers[org.maintained_by]),
        )

    locations: dict[str, Location] = {}
    for key, place in PLACES.items():
        maintainer = ORGANIZATIONS[place.org].maintained_by
        locations[key], _ = _upsert(
            Location,
            demo_id("location", key),
            organization_id=organizations[place.org].pk,
            maintained_by_id=associations[maintainer].pk,
            name=place.name,
            description=place.description,
            address_1=place.address,
            city=place.city,
            postal_code=place.postal_code,
            state_province="CE",
            latitude=_coordinate(place.latitude),
            longitude=_coordinate(place.longitude),
            wheelchair_accessible=place.wheelchair,
            accessibility_description=place.accessibility,
            verified=(verified_days[place.org], verifiers[maintainer]),
        )

    for key, res in RESOURCES.items():
        maintainer = ORGANIZATIONS[res.org].maintained_by
        service, _ = _upsert(
            Service,
            demo_id("service", key),
            organization_id=organizations[res.org].pk,
            maintained_by_id=associations[maintainer].pk,
            name=res.name,
            description=res.description,
            email=res.email,
            status=res.status,
            is_public=res.is_public,
            is_free=res.is_free,
            fees_description=res.fees,
            eligibility_description=res.eligibility,
            application_process=res.application,
            interpretation_services=res.interpretation,
            provider_gender=res.provider_gender,
            minimum_age=res.minimum_age,
            maximum_age=res.maximum_age,
            verified=(res.verified_days_ago, verifiers[maintainer]),
        )
        service.categories.set([terms[code] for code in res.categories])
        service.languages.set([languages[code] for code in res.languages])
        _upsert(
            ServiceAtLocation,
            demo_id("service-at-location", key),
            service_id=service.pk,
            location_id=locations[res.place].pk,
        )
        for index, (number, kind, description) in enumerate(res.phones):
            _upsert(
                Phone,
                demo_id("phone", f"{key}:{index}"),
                service_id=service.pk,
                number=number,
                type=kind,
                description=description,
            )
        _seed_schedules(key, res, service, today)

    for slug, org_key, categories, accepts, contact, phone in PARTNERSHIPS:
        partnership, _ = Partnership.objects.get_or_create(
            association=associations[slug],
            organization=organizations[org_key],
            defaults={
                "agreement_start": date(today.year - 1, 1, 1),
                "contact_name": contact,
                "contact_phone": phone,
                "accepts_referrals": accepts,
            },
        )
        partnership.categories.set([terms[code] for code in categories])

    public = sum(res.is_public for res in RESOURCES.values())
    stdout.write(
        f"Resource map: {len(RESOURCES)} services ({public} public) of "
        f"{len(ORGANIZATIONS)} organizations at {len(PLACES)} places, "
        f"{len(PARTNERSHIPS)} partnerships.\n"
    )


def _seed_schedules(key: str, res: Res, service: Service, today: date) -> None:
    for index, (byday, opens, closes) in enumerate(res.hours):
        _upsert(
            Schedule,
            demo_id("schedule", f"{key}:{index}"),
            service_id=service.pk,
            freq=Schedule.Freq.WEEKLY,
            byday=byday,
            opens_at=_clock(opens),
            closes_at=_clock(closes),
            valid_from=None,
            valid_to=None,
            description="Aperto 24 ore su 24" if (opens, closes) == ("00:00", "23:59") else "",
        )
    special = {(month, day): rest for month, day, *rest in res.special_days}
    for month, day, holiday in HOLIDAYS:
        if not res.closed_on_holidays and (month, day) not in special:
            continue
        on = _next(month, day, today)
        opens, closes, description = special.get((month, day), (None, None, ""))
        _upsert(
            Schedule,
            demo_id("schedule", f"{key}:holiday:{month:02d}-{day:02d}"),
            service_id=service.pk,
            freq=Schedule.Freq.NONE,
            byday="",
            opens_at=_clock(opens) if opens else None,
            closes_at=_clock(closes) if closes else None,
            valid_from=on,
            valid_to=on,
            description=description or f"Chiuso: {holiday}",
        )
