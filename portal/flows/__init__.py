"""The six service flows of KEP.1516/BNSP/UM.00.00/VII/2021 declared as data.

One declaration file per flow (surat_masuk, surat_keluar_sekretariat, surat_keluar_anggota, rcc,
askom, lisensi) in the format of definition.py; registry.py validates and indexes them, machine.py
runs them without a database, diagram.py draws them as swimlane SVGs, roles.py names the roles.
"""
